"""The states of stored things (roles, reports, deliveries, evaluations, campaigns), as
short strings. The plan's own words (levels, categories, ratings) are in
knowledge/vocabulary.py."""

from enum import StrEnum


class Role(StrEnum):
    OFFICIAL = "official"
    UNIT_ADMIN = "unit_admin"  # reviews and sees the officials of their own unit
    ADMIN = "admin"


class ReportStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # handed to the platform; the outcome is being recorded
    SENT = "sent"
    FAILED = "failed"  # gave up after retries
    BLOCKED = "blocked"  # the person blocked the bot or has no linked account
    DROPPED = "dropped"  # no longer wanted when its turn came (the official already submitted)


class EvaluationStatus(StrEnum):
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"  # a leader confirmed or adjusted the rating


class CampaignKind(StrEnum):
    EVAL_OPEN = "eval_open"
    EVAL_REMINDER = "eval_reminder"
    # The yearly notice before /dangky existed; kept so campaigns sent then still read.
    TRAINING_REGISTRATION = "training_registration"
    REGISTRATION_OPEN = "registration_open"  # the training registration window opens (III.2.d)
    REGISTRATION_REMINDER = "registration_reminder"  # days before it closes, to the unregistered
    SELF_STUDY_NUDGE = "self_study_nudge"  # monthly, Bình dân học vụ số
    ANNOUNCEMENT = "announcement"  # an admin's /thongbao
