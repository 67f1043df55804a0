"""evaluations: products meeting the quality required; the grounds that decide the rating

Mẫu 01 counts four things about the products of the period: assigned, completed, on time and
meeting the quality required. `tasks_quality` is the fourth. The self-evaluations stored before
it existed never asked it: they get quality = completed (every completed product counted as of
the quality required), which leaves their task points and rating as the official saw them when
submitting under the old scheme; `task_points` and `total_points` are not recomputed.

`disciplined` and `degenerated` are the yes/no grounds that make the rating «không hoàn thành
nhiệm vụ» whatever the score; rows stored before they were asked are false (not asked, so not
declared).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as table:
        table.add_column(sa.Column("tasks_quality", sa.Integer(), nullable=True))
        table.add_column(
            sa.Column("disciplined", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        table.add_column(
            sa.Column("degenerated", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute("UPDATE evaluations SET tasks_quality = tasks_completed")
    with op.batch_alter_table("evaluations") as table:
        table.alter_column("tasks_quality", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as table:
        table.drop_column("degenerated")
        table.drop_column("disciplined")
        table.drop_column("tasks_quality")
