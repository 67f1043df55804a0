"""course report index for the indicators

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The indicator engine asks, per official, whether a verified report of a category exists
    # in a date range; with these columns the index answers without reading the rows.
    op.drop_index("ix_course_reports_official", table_name="course_reports")
    op.create_index("ix_course_reports_official", "course_reports",
                    ["official_id", "status", "category", "completed_on"])


def downgrade() -> None:
    op.drop_index("ix_course_reports_official", table_name="course_reports")
    op.create_index("ix_course_reports_official", "course_reports", ["official_id", "status"])
