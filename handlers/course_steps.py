"""The course steps forms share (/baocao reports a course done, /dangky registers one to
take): the category, then the course from the catalogue, by button or typed loosely, with a
"Có phải khóa …?" check when the name typed is close to a course but not surely it."""

from functools import partial

from handlers.context import Context
from handlers.forms import Invalid, Step
from handlers.texts import label, options, t
from handlers.types import Choice
from knowledge.courses import Course, adds_detail
from knowledge.normalize import fold
from knowledge.vocabulary import CourseCategory

# Most reported first: self-study and short courses far outnumber degrees.
CATEGORY_ORDER = (
    CourseCategory.DIGITAL_SELF_STUDY,
    CourseCategory.KNOWLEDGE_UPDATE,
    CourseCategory.JOB_POSITION,
    CourseCategory.POLITICAL_THEORY,
    CourseCategory.STATE_MANAGEMENT,
    CourseCategory.DEGREE,
    CourseCategory.DEFENCE_SECURITY,
    CourseCategory.OTHER,
)
CATEGORY_CHOICES = tuple(Choice(label(c), c.value) for c in CATEGORY_ORDER)
# What officials type for a category ("llct", "đại học"): value -> names, kept in YAML.
CATEGORY_ALIASES = options("courses.category_aliases")
GUESS_ALIASES = options("courses.guess_aliases")
COURSE_BUTTONS = 8
YES, NO = "yes", "no"


def category_of(ctx: Context) -> CourseCategory:
    return CourseCategory(ctx.state.answers["category"])


def catalogue_course(ctx: Context) -> Course | None:
    """The catalogue course the official picked or confirmed, if any."""
    chosen = (ctx.state.answers.get("course") or {}).get("id")
    return ctx.knowledge.courses.get(chosen) if chosen else None


def course_choices(ctx: Context) -> tuple[Choice, ...]:
    courses = ctx.knowledge.courses.in_category(category_of(ctx))[:COURSE_BUTTONS]
    return tuple(Choice(c.name, f"c:{c.id}") for c in courses)


def parse_course(
    text: str,
    ctx: Context,
    catalogue_only: frozenset = frozenset(),
) -> dict:
    """The course picked, or typed: the catalogue's when it names one (asked about when
    unsure); else the name typed, unless the category takes catalogue courses only. A name
    of another category's catalogue course is refused, saying which and how to choose its
    category: a degree typed under political theory must not come back with its levels."""
    catalogue = ctx.knowledge.courses
    if ctx.picked and ctx.picked.startswith("c:"):  # a button of this step (the core checks)
        course = catalogue.get(ctx.picked[2:])
        if course is None or course.category != category_of(ctx):
            raise Invalid(t("courses.course_other_category"))
        return {"id": course.id, "name": course.name}
    if not text:
        raise Invalid(t("courses.course_empty"))
    match = catalogue.match(text, category_of(ctx))
    # Before a free name or an unsure guess: it may name another category's course.
    if (match is None or not match.sure) and (elsewhere := _in_other_category(text, ctx)):
        raise Invalid(_other_category(text, elsewhere))
    if match is None and category_of(ctx) in catalogue_only:
        raise Invalid(_only_catalogue(text, ctx))
    if match is None and not any(ch.isalpha() for ch in text):  # "?", "…": no course name
        raise Invalid(t("courses.course_no_letters", typed=text[:20]))
    if match is None:
        return {"name": text}
    if match.sure:  # one of its names, but for a typo: named as the catalogue names it
        return {"id": match.course.id, "name": match.course.name}
    return {"name": text, "guess": match.course.id, "guess_name": match.course.name}


def _in_other_category(typed: str, ctx: Context) -> Course | None:
    """The catalogue course of another category that `typed` names («đại học» typed under «Lý
    luận chính trị»), if exactly one does: surely, or by opening with one of its names and
    adding a field («đại học luật», «thạc sĩ kinh tế»). The longest name opening it wins, so
    «cử nhân chính trị» is the political theory course, not «cử nhân» (a degree)."""
    folded = fold(typed)
    found: dict[Course, int] = {}
    for category in CATEGORY_ORDER:
        if category == category_of(ctx):
            continue
        match = ctx.knowledge.courses.match(typed, category)
        if match is not None and match.sure:
            found[match.course] = len(folded)
        for course in ctx.knowledge.courses.in_category(category):
            for name in course.folded_names:
                if folded == name or folded.startswith(name + " "):
                    found[course] = max(found.get(course, 0), len(name))
    if not found:
        return None
    longest = max(found.values())
    named = [course for course, length in found.items() if length == longest]
    return named[0] if len(named) == 1 else None


def _other_category(typed: str, course: Course) -> str:
    number = CATEGORY_ORDER.index(course.category) + 1
    return t(
        "courses.course_in_other_category",
        typed=typed[:40],
        name=course.name,
        category=label(course.category),
        number=number,
    )


def _only_catalogue(typed: str, ctx: Context) -> str:
    """Why a name typed is refused where only the catalogue's programmes are taken."""
    return t("courses.catalogue_only", typed=typed[:40], names=_names(ctx))


def _names(ctx: Context) -> str:
    return ", ".join(f"«{c.name}»" for c in ctx.knowledge.courses.in_category(category_of(ctx)))


def _linked(typed: str, course: Course) -> dict:
    """The catalogue course, under the name typed when that says more (its field of study)."""
    return {"id": course.id, "name": typed if adds_detail(typed, course) else course.name}


def parse_guess(
    text: str,
    ctx: Context,
    catalogue_only: frozenset = frozenset(),
    keep_detail: bool = True,
) -> dict:
    """The course as confirmed: the catalogue's when the guess is right (also when the course's
    name is typed: «dai hoc» for «Đào tạo đại học»), else the name typed. Stored under
    "course", so the summary shows (and submit writes) the course decided on. Without
    `keep_detail`, a right guess is stored under the catalogue's name, never the name typed."""
    typed = ctx.state.answers["course"]
    guessed = ctx.knowledge.courses.get(typed["guess"])
    if ctx.picked is None and guessed is not None and _is_named(text, guessed):
        ctx.picked = YES
    if ctx.picked == YES and guessed is not None:  # (None: gone from a reloaded catalogue)
        if not keep_detail:
            return {"id": guessed.id, "name": guessed.name}
        return _linked(typed["name"], guessed)
    if ctx.picked in (YES, NO) and category_of(ctx) in catalogue_only:
        raise Invalid(t("courses.catalogue_only_not_guessed", names=_names(ctx)))
    if ctx.picked in (YES, NO):
        return {"name": typed["name"]}
    raise Invalid(t("forms.pick_one"))


def _is_named(typed: str, course: Course) -> bool:
    """Whether `typed` is one of the course's names, case and diacritics aside."""
    folded = fold(typed)
    return bool(folded) and folded in course.folded_names


def _guessed(ctx: Context) -> bool:
    return "guess" in ctx.state.answers.get("course", {})


def category_step(label: str, prompt: str) -> Step:
    """The category: by button, number, label (also without its part in brackets) or alias."""
    return Step(
        "category",
        label,
        prompt,
        choices=CATEGORY_CHOICES,
        aliases=CATEGORY_ALIASES,
        show=_category_label,
    )


def _category_label(value: str) -> str:
    return label(CourseCategory(value))


def course_steps(
    label: str,
    prompt: str,
    max_length: int,
    catalogue_only: frozenset = frozenset(),
    keep_detail: bool = True,
) -> tuple[Step, Step]:
    """The course (catalogue buttons, or typed), then the check of a close but unsure match.
    In the categories `catalogue_only` names, a name typed must be one of the catalogue's.
    `keep_detail`: a confirmed guess keeps the name typed when it says more ("Thạc sĩ Luật")."""
    return (
        Step(
            "course",
            label,
            prompt,
            parse=partial(parse_course, catalogue_only=catalogue_only),
            choices=course_choices,
            show=lambda c: c["name"],
            max_length=max_length,
        ),
        # "Có phải khóa …?" when the name typed is close to a catalogue course but not sure.
        Step(
            "course",
            label,
            lambda ctx: t("courses.ask_guess", name=ctx.state.answers["course"]["guess_name"]),
            parse=partial(parse_guess, catalogue_only=catalogue_only, keep_detail=keep_detail),
            choices=(Choice(t("courses.guess_yes"), YES), Choice(t("courses.guess_no"), NO)),
            aliases=GUESS_ALIASES,
            when=_guessed,
            in_summary=False,
            follow_up=True,
        ),
    )
