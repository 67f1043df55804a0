"""course reports and deliveries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:33:31.165591
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('course_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('degree', 'political_theory', 'state_management', 'defence_security', 'job_position', 'knowledge_update', 'digital_self_study', 'other', name='coursecategory', native_enum=False, length=20), nullable=False),
    sa.Column('course_id', sa.String(length=64), nullable=True),
    sa.Column('course_name', sa.String(length=300), nullable=False),
    sa.Column('provider', sa.String(length=300), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('certificate_kind', sa.String(length=20), nullable=True),
    sa.Column('certificate_file_id', sa.String(length=300), nullable=True),
    sa.Column('certificate_url', sa.String(length=1000), nullable=True),
    sa.Column('certificate_platform', sa.String(length=20), nullable=True),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', 'withdrawn', name='reportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['officials.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_course_reports_official', 'course_reports', ['official_id', 'status'], unique=False)
    op.create_index('ix_course_reports_status_created', 'course_reports', ['status', 'created_at'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', 'blocked', name='deliverystatus', native_enum=False, length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_deliveries_due', 'deliveries', ['status', 'due_at'], unique=False)
    op.create_index('ix_deliveries_official_id', 'deliveries', ['official_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_deliveries_official_id', table_name='deliveries')
    op.drop_index('ix_deliveries_due', table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index('ix_course_reports_status_created', table_name='course_reports')
    op.drop_index('ix_course_reports_official', table_name='course_reports')
    op.drop_table('course_reports')
