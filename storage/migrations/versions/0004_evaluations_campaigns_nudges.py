"""evaluations, campaigns, nudges

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 22:38:18.940775
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('eval_open', 'eval_reminder', 'training_registration', 'self_study_nudge', 'announcement', name='campaignkind', native_enum=False, length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expanded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('general_points', sa.Float(), nullable=False),
    sa.Column('tasks_assigned', sa.Integer(), nullable=False),
    sa.Column('tasks_completed', sa.Integer(), nullable=False),
    sa.Column('tasks_on_time', sa.Integer(), nullable=False),
    sa.Column('task_notes', sa.Text(), nullable=True),
    sa.Column('task_points', sa.Float(), nullable=False),
    sa.Column('total_points', sa.Float(), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=True),
    sa.Column('shortcomings', sa.Text(), nullable=True),
    sa.Column('proposed_rating', sa.Enum('khong_hoan_thanh', 'hoan_thanh', 'tot', 'xuat_sac', name='rating', native_enum=False, length=20), nullable=False),
    sa.Column('rating_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'confirmed', name='evaluationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('confirmed_rating', sa.Enum('khong_hoan_thanh', 'hoan_thanh', 'tot', 'xuat_sac', name='rating', native_enum=False, length=20), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['officials.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('official_id', 'period')
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluations_period'), ['period'], unique=False)

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('condition', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_deliveries_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key('fk_deliveries_campaign_id', 'campaigns', ['campaign_id'], ['id'])

    with op.batch_alter_table('officials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nudges', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('officials', schema=None) as batch_op:
        batch_op.drop_column('nudges')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint('fk_deliveries_campaign_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deliveries_campaign_id'))
        batch_op.drop_column('condition')
        batch_op.drop_column('campaign_id')

    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluations_period'))

    op.drop_table('evaluations')
    op.drop_table('campaigns')
