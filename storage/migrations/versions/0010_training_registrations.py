"""annual training registrations, and the settings admins choose from chat

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("official_id", sa.Integer(), sa.ForeignKey("officials.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "degree",
                "political_theory",
                "state_management",
                "defence_security",
                "job_position",
                "knowledge_update",
                "digital_self_study",
                "other",
                name="coursecategory",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("course_id", sa.String(length=64), nullable=True),
        sa.Column("course_name", sa.String(length=300), nullable=False),
        sa.Column("specialisation", sa.String(length=200), nullable=True),
        sa.Column("study_form", sa.String(length=30), nullable=False),
        sa.Column("gap", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_training_registrations_year_official",
        "training_registrations",
        ["year", "official_id"],
    )
    op.create_table(
        "commune_settings",
        sa.Column("key", sa.String(length=50), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("commune_settings")
    op.drop_table("training_registrations")
