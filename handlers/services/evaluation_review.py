"""Leaders confirming self-evaluations: the work the chat's /xemdanhgia and /xacnhan and the
desk's «Đánh giá» page share. Who may review which evaluation (a unit admin: their own unit),
the reason an adjusted rating needs, the confirmation itself (stored, audited, told to the
official through the outbox) and the warning when a unit has too many «xuất sắc».
"""

import hashlib
from datetime import datetime
from enum import StrEnum

from handlers.context import Options
from handlers.errors import UserError
from handlers.periods import Period, period_label
from handlers.services.campaigns import tell
from handlers.services.summaries.scope import visible_unit
from handlers.texts import label, t
from knowledge.vocabulary import Rating
from storage.enums import EvaluationStatus
from storage.models import Evaluation, Official
from storage.repo import Repo

MAX_COMMENT = 1000
MIN_REASON = 3  # characters: "vì …" at least, so the official learns why


class Outcome(StrEnum):
    """What became of one confirmation asked on the desk."""

    CONFIRMED = "confirmed"
    CHANGED = "changed"  # no longer as the page showed it: confirmed meanwhile, resubmitted
    NOT_FOUND = "not_found"  # gone, or outside the viewer's unit
    OWN = "own"  # the viewer's own: another admin confirms it


def rating_of(evaluation: Evaluation) -> Rating:
    """The rating that stands: the leader's once confirmed, else the one proposed."""
    return evaluation.confirmed_rating or evaluation.proposed_rating


def share_warnings(evaluations: list[Evaluation], share: float) -> list[str]:
    """Units where «xuất sắc» exceeds `share` of those rated «tốt» (Nghị định 335: 20%)."""
    units: dict[str, list[Rating]] = {}
    for evaluation in evaluations:
        unit = evaluation.official.unit.name if evaluation.official.unit else "—"
        units.setdefault(unit, []).append(rating_of(evaluation))
    warnings = []
    for unit, given in units.items():
        excellent, good = given.count(Rating.XUAT_SAC), given.count(Rating.TOT)
        if excellent and excellent > share * good:
            warnings.append(
                t(
                    "leader.quota_warning",
                    unit=unit,
                    excellent=excellent,
                    good=good,
                    share=round(share * 100),
                )
            )
    return warnings


async def unit_warnings(repo: Repo, evaluation: Evaluation, share: float) -> list[str]:
    """The share warning for the unit of `evaluation`, in its period."""
    same_unit = [
        e
        for e in await repo.evaluations.for_period(evaluation.period)
        if e.official.unit_id == evaluation.official.unit_id
    ]
    return share_warnings(same_unit, share)


def visible_unit_id(viewer: Official) -> int | None:
    """The unit whose evaluations `viewer` may review; None: every unit (a full admin). A unit
    admin with no unit: ScopeError, whose message is the reply."""
    unit = visible_unit(viewer)
    return unit.id if unit else None


def own(viewer: Official, evaluation: Evaluation) -> bool:
    """The viewer's own self-evaluation: someone else confirms it (nobody reviews their own
    work)."""
    return evaluation.official_id == viewer.id


async def reviewable(repo: Repo, viewer: Official, evaluation_id: int) -> Evaluation | None:
    """The evaluation, if it exists and `viewer` may review it."""
    scope = visible_unit_id(viewer)
    evaluation = await repo.evaluations.get(evaluation_id)
    if evaluation is None or (scope is not None and evaluation.official.unit_id != scope):
        return None
    return evaluation


def reason(text: str) -> str:
    """The reason for a rating other than the one proposed: required, told to the official."""
    text = text.strip()
    if len(text) < MIN_REASON:
        raise UserError(t("leader.reason_short"))
    return _within_limit(text, "leader.label_reason")


def comment(text: str) -> str:
    """An optional comment to the official, stripped; refused when too long."""
    return _within_limit(text.strip(), "leader.label_comment")


def _within_limit(text: str, label_key: str) -> str:
    # Refused, not cut: the official would read a sentence broken off, and nobody would know.
    if len(text) > MAX_COMMENT:
        raise UserError(
            t("forms.too_long", label=t(label_key), length=len(text), limit=MAX_COMMENT)
        )
    return text


def comment_for(evaluation: Evaluation, rating: Rating, text: str | None) -> str | None:
    """What goes with `rating`: a reason if it is not the one proposed, else an optional
    comment. Raises UserError when a reason is needed and missing, or either is too long."""
    if rating != evaluation.proposed_rating:
        return reason(text or "")
    return comment(text or "") or None


async def confirm(
    repo: Repo,
    evaluation: Evaluation,
    rating: Rating,
    comment: str | None,
    *,
    actor: str,
    reviewer: Official,
    now: datetime,
    options: Options,
) -> None:
    """Confirm `evaluation` at `rating`, audited, and tell the official (the reason when it
    is not the rating they proposed, else the comment if any). Raises UserError, changing
    nothing, for the reviewer's own evaluation or a reason or comment out of bounds."""
    if own(reviewer, evaluation):
        raise UserError(t("leader.own_evaluation"))
    comment = comment_for(evaluation, rating, comment)
    before = {"rating": rating_of(evaluation).value, "status": evaluation.status.value}
    evaluation.confirmed_rating = rating
    evaluation.status = EvaluationStatus.CONFIRMED
    evaluation.reviewer_id = reviewer.id
    evaluation.review_comment = comment
    evaluation.reviewed_at = now
    await repo.audit.record(
        actor,
        "evaluation_confirmed",
        "evaluation",
        evaluation.id,
        before=before,
        after={"rating": rating.value, "status": "confirmed"},
    )
    period = period_label(Period.parse(evaluation.period))
    notice = t("leader.notice", period=period, rating=label(rating))
    if rating != evaluation.proposed_rating:
        notice += "\n" + t(
            "leader.notice_changed", proposed=label(evaluation.proposed_rating), reason=comment
        )
    elif comment:
        notice += "\n" + t("leader.notice_comment", comment=comment)
    key = f"eval-confirmed:{evaluation.id}:{now.isoformat()}"
    await tell(repo, key, evaluation.official_id, notice, now, options)


def state_of(evaluation: Evaluation) -> str:
    """A short token for the evaluation as a page shows it: it changes when the official
    resubmits or a leader confirms, so an action taken on what the page showed can tell."""
    seen = (
        evaluation.status.value,
        evaluation.proposed_rating.value,
        evaluation.confirmed_rating.value if evaluation.confirmed_rating else "",
        evaluation.submitted_at.isoformat(),
        evaluation.reviewed_at.isoformat() if evaluation.reviewed_at else "",
    )
    return hashlib.blake2s("|".join(seen).encode(), digest_size=6).hexdigest()


async def confirm_shown(
    repo: Repo,
    viewer: Official,
    evaluation_id: int,
    shown: str,
    *,
    rating: Rating | None = None,
    comment: str | None = None,
    actor: str,
    now: datetime,
    options: Options,
) -> Outcome:
    """Confirm the evaluation a page showed in state `shown` (`state_of`): at its proposed
    rating when `rating` is None (only while it waits for confirmation), else at `rating`.
    Nothing is changed unless it is still as shown and within the viewer's scope."""
    evaluation = await reviewable(repo, viewer, evaluation_id)
    if evaluation is None:
        return Outcome.NOT_FOUND
    if own(viewer, evaluation):
        return Outcome.OWN
    if state_of(evaluation) != shown:
        return Outcome.CHANGED
    if rating is None:
        if evaluation.status != EvaluationStatus.SUBMITTED:
            return Outcome.CHANGED
        rating = evaluation.proposed_rating
    await confirm(
        repo,
        evaluation,
        rating,
        comment,
        actor=actor,
        reviewer=viewer,
        now=now,
        options=options,
    )
    return Outcome.CONFIRMED
