"""The database schema. Change it only together with a new Alembic migration.

Length-limited text is `Bounded` (storage/types.py): a value over the limit never reaches the
database, on SQLite as on PostgreSQL; `shorten=True` marks the columns where a cut value is
harmless, every other one refuses it (the conversation checks typed values before that).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from knowledge.vocabulary import (
    CourseCategory,
    EducationLevel,
    Gender,
    PoliticalTheoryLevel,
    PositionGroup,
    Rating,
    StateManagementLevel,
)
from storage.enums import CampaignKind, DeliveryStatus, EvaluationStatus, ReportStatus, Role
from storage.types import Bounded, UtcDateTime, utcnow


def _enum(cls, length: int = 20) -> Enum:
    # Stored as the enum's value in a plain VARCHAR: readable in SQL and portable.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Bounded(32), unique=True)
    name: Mapped[str] = mapped_column(Bounded(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Official(Base):
    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(Bounded(32), unique=True)
    full_name: Mapped[str] = mapped_column(Bounded(200))
    gender: Mapped[Gender] = mapped_column(_enum(Gender))
    ethnicity: Mapped[str | None] = mapped_column(Bounded(50))
    ethnic_minority: Mapped[bool] = mapped_column(Boolean, default=False)
    birth_date: Mapped[date | None] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str | None] = mapped_column(Bounded(200))
    position_group: Mapped[PositionGroup] = mapped_column(_enum(PositionGroup), index=True)
    is_vice_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    education_level: Mapped[EducationLevel | None] = mapped_column(_enum(EducationLevel))
    major: Mapped[str | None] = mapped_column(Bounded(200))
    major_fits_position: Mapped[bool] = mapped_column(Boolean, default=True)
    political_theory_level: Mapped[PoliticalTheoryLevel | None] = mapped_column(
        _enum(PoliticalTheoryLevel)
    )
    state_management_level: Mapped[StateManagementLevel | None] = mapped_column(
        _enum(StateManagementLevel)
    )
    equipped_to_standard: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str | None] = mapped_column(Bounded(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.OFFICIAL)
    # Optional nudges (self-study, training registration); evaluation reminders always go.
    nudges: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="joined")


class ChannelAccount(Base):
    """A user of one messaging platform, linked to the official they are."""

    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("platform", "external_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(Bounded(20))
    external_user_id: Mapped[str] = mapped_column(Bounded(64))
    chat_id: Mapped[str] = mapped_column(Bounded(64))
    display_name: Mapped[str | None] = mapped_column(Bounded(200, shorten=True))
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)

    official: Mapped[Official] = relationship(lazy="joined")


class InviteCode(Base):
    """A one-time code that links a channel account to an official. Only its hash is kept."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(Bounded(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    grants_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("channel_accounts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    official: Mapped[Official] = relationship(lazy="joined")


class LinkFailure(Base):
    """A wrong invite code typed by a platform user; recent ones throttle further attempts."""

    __tablename__ = "link_failures"
    __table_args__ = (Index("ix_link_failures_user_at", "platform", "external_user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(Bounded(20))
    external_user_id: Mapped[str] = mapped_column(Bounded(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """Where a platform user is in the conversation: the open form and the last choices offered."""

    __tablename__ = "conversation_states"

    platform: Mapped[str] = mapped_column(Bounded(20), primary_key=True)
    external_user_id: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    form: Mapped[str | None] = mapped_column(Bounded(50))
    step: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    choices: Mapped[list[Any]] = mapped_column(default=list)
    # The number of the latest question that offered choices; buttons carry it back.
    question: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Platform update ids already handled, so a redelivered update is ignored."""

    __tablename__ = "processed_updates"

    platform: Mapped[str] = mapped_column(Bounded(20), primary_key=True)
    update_id: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class QuestionLog(Base):
    """A question the knowledge base could not answer with confidence, for admins to review."""

    __tablename__ = "question_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    platform: Mapped[str] = mapped_column(Bounded(20))
    question: Mapped[str] = mapped_column(Text)
    # Groups the same question.
    folded: Mapped[str] = mapped_column(Bounded(500, shorten=True), index=True)
    score: Mapped[float] = mapped_column(Float)
    # The ids of the entries suggested.
    suggested: Mapped[str | None] = mapped_column(Bounded(200, shorten=True))
    # Whether the asker's account was linked to an official; a stranger's question is pruned
    # after RETENTION_DAYS. None: asked before this was recorded (treated as a stranger's).
    linked: Mapped[bool | None] = mapped_column(Boolean)


class CourseReport(Base):
    """A training course an official reports as completed; an admin verifies or rejects it."""

    __tablename__ = "course_reports"
    __table_args__ = (
        # Covers the indicator queries' EXISTS(official, status, category, date) lookups.
        Index("ix_course_reports_official", "official_id", "status", "category", "completed_on"),
        Index("ix_course_reports_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    category: Mapped[CourseCategory] = mapped_column(_enum(CourseCategory))
    course_id: Mapped[str | None] = mapped_column(Bounded(64))  # catalogue id, if matched
    course_name: Mapped[str] = mapped_column(Bounded(300))
    provider: Mapped[str | None] = mapped_column(Bounded(300))
    completed_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(Bounded(20))  # level attained (degree, LLCT, QLNN)
    certificate_kind: Mapped[str | None] = mapped_column(Bounded(20))  # photo | document
    certificate_file_id: Mapped[str | None] = mapped_column(Bounded(300))
    certificate_url: Mapped[str | None] = mapped_column(Bounded(1000))
    certificate_platform: Mapped[str | None] = mapped_column(Bounded(20))
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), default=ReportStatus.PENDING)
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    official: Mapped[Official] = relationship(lazy="joined", foreign_keys=[official_id])


class Evaluation(Base):
    """An official's self-evaluation for one period (2026Q1…Q3; 2026Q4 is the whole year)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("official_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    period: Mapped[str] = mapped_column(Bounded(10), index=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(default=dict)  # key -> self-assessed points
    general_points: Mapped[float] = mapped_column(Float)
    tasks_assigned: Mapped[int] = mapped_column(Integer)
    tasks_completed: Mapped[int] = mapped_column(Integer)
    tasks_on_time: Mapped[int] = mapped_column(Integer)
    tasks_quality: Mapped[int] = mapped_column(Integer)  # completed and of the quality required
    # The grounds that make the rating «không hoàn thành nhiệm vụ» whatever the score
    # (knowledge/evaluation.yaml, `grounds`): disciplined, or found to show signs of
    # political, ethical or lifestyle degeneration, in the period.
    disciplined: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    degenerated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    task_notes: Mapped[str | None] = mapped_column(Text)
    task_points: Mapped[float] = mapped_column(Float)
    total_points: Mapped[float] = mapped_column(Float)
    strengths: Mapped[str | None] = mapped_column(Text)
    shortcomings: Mapped[str | None] = mapped_column(Text)
    proposed_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    rating_reason: Mapped[str | None] = mapped_column(Text)  # when it differs from the band
    status: Mapped[EvaluationStatus] = mapped_column(
        _enum(EvaluationStatus), default=EvaluationStatus.SUBMITTED
    )
    confirmed_rating: Mapped[Rating | None] = mapped_column(_enum(Rating))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    official: Mapped[Official] = relationship(lazy="joined", foreign_keys=[official_id])


class Campaign(Base):
    """A push to many officials: a calendar reminder or an admin's announcement.

    Its key ("eval-open:2026Q2") is unique, so planning it again changes nothing; each
    recipient's delivery is keyed "<campaign key>:<official id>".
    """

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(120), unique=True)
    kind: Mapped[CampaignKind] = mapped_column(_enum(CampaignKind, length=30))
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)  # who: all, unit, group, …
    send_at: Mapped[datetime]
    expanded_at: Mapped[datetime | None]  # when its deliveries were queued
    created_by: Mapped[str] = mapped_column(Bounded(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """A message pushed to an official (a notice, reminder, announcement): the outbox.

    The unique key (e.g. "report-verified:12") makes sending the same push twice impossible.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(200), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    # Checked just before sending: e.g. "not_submitted:2026Q2" drops a reminder to someone
    # who submitted after it was queued.
    condition: Mapped[str | None] = mapped_column(Bounded(100))
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[Any]] = mapped_column(default=list)
    # Set for a push to one chat (an account just unlinked), not to the official's accounts.
    platform: Mapped[str | None] = mapped_column(Bounded(20))
    chat_id: Mapped[str | None] = mapped_column(Bounded(64))
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.QUEUED
    )
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(Bounded(100))
    action: Mapped[str] = mapped_column(Bounded(50))
    entity: Mapped[str] = mapped_column(Bounded(50))
    entity_id: Mapped[str | None] = mapped_column(Bounded(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


class DeskLink(Base):
    """A one-time login link to the web desk: the random token's hash only (the token itself
    is in the URL the admin was given), valid for minutes, used once."""

    __tablename__ = "desk_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(Bounded(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    # Where the desk opens after login (a file to download), a path on the desk itself.
    next_path: Mapped[str | None] = mapped_column(Bounded(200))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeskSession(Base):
    """A logged-in browser: the session cookie's hash, ended by logging out, by 8 hours idle,
    or by the official losing the role (checked on every request)."""

    __tablename__ = "desk_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(Bounded(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(Bounded(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    official: Mapped[Official] = relationship(lazy="joined")


class DeskFile(Base):
    """A file made for admins (a workbook, a chart, a sheet of invite codes), listed on the
    desk's «Tải về» page and kept for a set number of days. `key` names it in URLs."""

    __tablename__ = "desk_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(64), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"), index=True)
    # The unit the file is about; None: the whole commune (admins only).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(Bounded(30))
    title: Mapped[str] = mapped_column(Bounded(300, shorten=True))
    name: Mapped[str] = mapped_column(Bounded(200))  # the file name a download gets
    path: Mapped[str] = mapped_column(Bounded(1000))
    status: Mapped[str] = mapped_column(Bounded(20), default="running")  # running|ready|failed
    progress: Mapped[str | None] = mapped_column(Bounded(300, shorten=True))
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime]


class TrainingRegistration(Base):
    """A course an official registers for, for next year's training plan (plan III.2.d:
    «hằng năm đăng ký đào tạo, đào tạo lại, bồi dưỡng»). Changed by deleting and adding
    again while the registration window is open."""

    __tablename__ = "training_registrations"
    __table_args__ = (Index("ix_training_registrations_year_official", "year", "official_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    year: Mapped[int] = mapped_column(Integer)  # the year the training is for
    category: Mapped[CourseCategory] = mapped_column(_enum(CourseCategory))
    course_id: Mapped[str | None] = mapped_column(Bounded(64))  # catalogue id, if matched
    course_name: Mapped[str] = mapped_column(Bounded(300))
    specialisation: Mapped[str | None] = mapped_column(Bounded(200))  # degree programmes
    # A key of the study forms in handlers/texts/registration.yaml («Tập trung», …).
    study_form: Mapped[str] = mapped_column(Bounded(30))
    gap: Mapped[str | None] = mapped_column(Bounded(20))  # the Gap.key of the road it closes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    official: Mapped[Official] = relationship(lazy="joined")


class CommuneSetting(Base):
    """A setting the commune's admins choose from chat (e.g. the registration window)."""

    __tablename__ = "commune_settings"

    key: Mapped[str] = mapped_column(Bounded(50), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(Bounded(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
