"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 21:53:04.443417
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_table('conversation_states',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('external_user_id', sa.String(length=64), nullable=False),
    sa.Column('form', sa.String(length=50), nullable=True),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'external_user_id')
    )
    op.create_table('link_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('external_user_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_link_failures_user_at', 'link_failures', ['platform', 'external_user_id', 'at'], unique=False)
    op.create_table('processed_updates',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('update_id', sa.String(length=64), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'update_id')
    )
    op.create_index('ix_processed_updates_processed_at', 'processed_updates', ['processed_at'], unique=False)
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('officials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, length=20), nullable=False),
    sa.Column('ethnicity', sa.String(length=50), nullable=True),
    sa.Column('ethnic_minority', sa.Boolean(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('position_group', sa.Enum('leadership', 'unit_head', 'specialist', name='positiongroup', native_enum=False, length=20), nullable=False),
    sa.Column('is_vice_chair', sa.Boolean(), nullable=False),
    sa.Column('education_level', sa.Enum('trung_cap', 'cao_dang', 'dai_hoc', 'thac_si', 'tien_si', name='educationlevel', native_enum=False, length=20), nullable=True),
    sa.Column('major', sa.String(length=200), nullable=True),
    sa.Column('major_fits_position', sa.Boolean(), nullable=False),
    sa.Column('political_theory_level', sa.Enum('so_cap', 'trung_cap', 'cao_cap', 'cu_nhan', name='politicaltheorylevel', native_enum=False, length=20), nullable=True),
    sa.Column('state_management_level', sa.Enum('chuyen_vien', 'chuyen_vien_chinh', 'chuyen_vien_cao_cap', name='statemanagementlevel', native_enum=False, length=20), nullable=True),
    sa.Column('equipped_to_standard', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('role', sa.Enum('official', 'admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index('ix_officials_position_group', 'officials', ['position_group'], unique=False)
    op.create_index('ix_officials_unit_id', 'officials', ['unit_id'], unique=False)
    op.create_table('channel_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('external_user_id', sa.String(length=64), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'external_user_id')
    )
    op.create_index('ix_channel_accounts_official_id', 'channel_accounts', ['official_id'], unique=False)
    op.create_table('invite_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('grants_admin', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], ),
    sa.ForeignKeyConstraint(['used_by_account_id'], ['channel_accounts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_index('ix_invite_codes_official_id', 'invite_codes', ['official_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_invite_codes_official_id', table_name='invite_codes')
    op.drop_table('invite_codes')
    op.drop_index('ix_channel_accounts_official_id', table_name='channel_accounts')
    op.drop_table('channel_accounts')
    op.drop_index('ix_officials_unit_id', table_name='officials')
    op.drop_index('ix_officials_position_group', table_name='officials')
    op.drop_table('officials')
    op.drop_table('units')
    op.drop_index('ix_processed_updates_processed_at', table_name='processed_updates')
    op.drop_table('processed_updates')
    op.drop_index('ix_link_failures_user_at', table_name='link_failures')
    op.drop_table('link_failures')
    op.drop_table('conversation_states')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
