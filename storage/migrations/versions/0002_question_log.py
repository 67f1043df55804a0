"""question log

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("folded", sa.String(length=500), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("suggested", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_log_at", "question_log", ["at"], unique=False)
    op.create_index("ix_question_log_folded", "question_log", ["folded"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_question_log_folded", table_name="question_log")
    op.drop_index("ix_question_log_at", table_name="question_log")
    op.drop_table("question_log")
