"""question serial per conversation; deliveries to one chat

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Numbers each question that offers choices, so a button of an older message is known
    # for what it is even when the latest question offers a button with the same value.
    with op.batch_alter_table("conversation_states") as table:
        table.add_column(sa.Column("question", sa.Integer(), nullable=False,
                                   server_default="0"))
    # A push to one chat rather than to the official's linked accounts: the notice to an
    # account that has just been unlinked.
    with op.batch_alter_table("deliveries") as table:
        table.add_column(sa.Column("platform", sa.String(20), nullable=True))
        table.add_column(sa.Column("chat_id", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as table:
        table.drop_column("chat_id")
        table.drop_column("platform")
    with op.batch_alter_table("conversation_states") as table:
        table.drop_column("question")
