"""question log: whether the asker was linked

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Questions from strangers (accounts linked to no official) are pruned after
    # RETENTION_DAYS; those asked before this column existed are NULL and count as strangers'.
    with op.batch_alter_table("question_log") as table:
        table.add_column(sa.Column("linked", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question_log") as table:
        table.drop_column("linked")
