"""The rating rules of the self-evaluation in words, for the official filling in /danhgia and
the leader confirming with /xacnhan: the band the rules give, why, and what each band needs.

Every figure comes from the scheme (knowledge/evaluation.yaml) or the settings (the share of
«xuất sắc»), so the words say what the code enforces.
"""

from dataclasses import dataclass

from handlers.formatting import show_number
from handlers.texts import label, t
from knowledge.scoring import EXCEEDED, ON_TIME, QUALITY, Ground, Scheme
from knowledge.vocabulary import Rating


@dataclass(frozen=True)
class Counts:
    """Mẫu 01's four counts of products."""

    assigned: int
    completed: int
    on_time: int
    quality: int

    @classmethod
    def of_answers(cls, answers: dict) -> "Counts":
        # A draft begun before the quality count was asked (its stored step passed it) has
        # none: counted as all completed, as migration 0008 does for evaluations stored then.
        completed = answers["tasks_completed"]
        return cls(
            answers["tasks_assigned"],
            completed,
            answers["tasks_on_time"],
            answers.get("tasks_quality", completed),
        )

    @classmethod
    def of_evaluation(cls, evaluation) -> "Counts":
        return cls(
            evaluation.tasks_assigned,
            evaluation.tasks_completed,
            evaluation.tasks_on_time,
            evaluation.tasks_quality,
        )

    def __iter__(self):
        return iter((self.assigned, self.completed, self.on_time, self.quality))


def grounds_of_evaluation(evaluation, scheme: Scheme | None = None) -> tuple[Ground, ...]:
    """The grounds a stored evaluation answered "Có"."""
    scheme = scheme or Scheme.default()
    return scheme.grounds_held({g.key: bool(getattr(evaluation, g.key)) for g in scheme.grounds})


def band_of(total: float, counts: Counts, grounds: tuple[Ground, ...]) -> Rating:
    return Scheme.default().band(total, *counts, grounds=grounds)


def why(total: float, counts: Counts, grounds: tuple[Ground, ...], to_leader: bool = False) -> str:
    """Why the band is not the one the total alone reaches ("" when it is), told to the
    official, or about them to the leader."""
    scheme = Scheme.default()
    if grounds:
        return t(
            "evaluation.why_grounds_leader" if to_leader else "evaluation.why_grounds",
            reasons="; ".join(g.reason for g in grounds),
            rating=label(Rating.KHONG_HOAN_THANH),
        )
    if scheme.by_score(total) == Rating.XUAT_SAC:
        missing = scheme.excellent_shortfalls(*counts)
        if missing:
            words = {
                ON_TIME: t("evaluation.short_on_time"),
                QUALITY: t("evaluation.short_quality"),
                EXCEEDED: t("evaluation.short_exceeded"),
            }
            return t(
                "evaluation.why_not_excellent",
                low=show_number(scheme.bands[Rating.XUAT_SAC]),
                missing=", ".join(words[m] for m in missing),
            )
    return ""


def rules(excellent_share: float) -> str:
    """What each band needs, as the code enforces it."""
    scheme = Scheme.default()
    return t(
        "evaluation.band_rules",
        excellent=show_number(scheme.bands[Rating.XUAT_SAC]),
        good=show_number(scheme.bands[Rating.TOT]),
        done=show_number(scheme.bands[Rating.HOAN_THANH]),
        share=show_number(round(excellent_share * 100, 1)),
        grounds=t(
            "evaluation.band_rules_grounds",
            labels=" hoặc ".join(g.reason for g in scheme.grounds),
            rating=label(Rating.KHONG_HOAN_THANH).lower(),
        ),
    )


def split() -> str:
    """How the 100 points are split, the commune's choice within Nghị định 335's frame."""
    scheme = Scheme.default()
    return t(
        "evaluation.split",
        general=show_number(scheme.general_max),
        tasks=show_number(scheme.task_max),
        criteria="/".join(show_number(c.max) for c in scheme.criteria),
        completion=show_number(round(scheme.completion_share * 100, 1)),
        on_time=show_number(round(scheme.on_time_share * 100, 1)),
        quality=show_number(round(scheme.quality_share * 100, 1)),
    )
