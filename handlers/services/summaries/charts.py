"""Charts for the summaries, drawn with matplotlib's Agg canvas (no display needed) and sized
for a phone screen: the indicators against their thresholds, the rating distribution by
period, and verified training by month and category. Every title says where and when.

Each `*_figure` function takes plain figures (a Summary, or what chart_data.py reads) and
returns a matplotlib Figure, so tests can read what a chart shows; `save` writes it as PNG,
at the phone's resolution by default and at PRINT_DPI for the web desk's downloads. matplotlib is imported only when a chart
is drawn: it takes most of a second to import, which no other command should pay. Figures
are made with the object API, never pyplot, so nothing global is kept between charts.
"""

import os
import secrets
import textwrap
import time
from pathlib import Path

from handlers.formatting import show_date
from handlers.periods import Period, period_label
from handlers.services.summaries.chart_data import RatingsChart, TrainingChart
from handlers.services.summaries.figures import Summary, percent, status_word, value
from handlers.texts import t
from knowledge.indicators import Status
from knowledge.vocabulary import CourseCategory, Rating

COLOURS = {
    Status.MET: "#2e7d32",
    Status.NOT_MET: "#c62828",
    Status.NOT_DUE: "#f9a825",
}
RATING_COLOURS = {
    Rating.XUAT_SAC: "#1b5e20",
    Rating.TOT: "#43a047",
    Rating.HOAN_THANH: "#9ccc65",
    Rating.KHONG_HOAN_THANH: "#e53935",
    None: "#bdbdbd",  # not rated
}
CATEGORY_COLOURS = (
    "#1565c0",
    "#6a1b9a",
    "#00838f",
    "#ef6c00",
    "#2e7d32",
    "#ad1457",
    "#5d4037",
    "#757575",
)
DPI = 110  # a phone screen: sharp enough, and small to send
PRINT_DPI = 200  # a download from the web desk, to print
# The least a bar is drawn: a share at 0 % still shows its status colour (red when overdue)
# rather than nothing, in percentage points of the axis.
STUB = 1.5
KEEP_SECONDS = 2 * 24 * 3600  # charts and workbooks are sent at once; older ones are removed


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    return figure


def indicators_figure(summary: Summary):
    """One row per indicator: its percentage as a bar coloured by status, the threshold as a
    black mark; head counts and indicators that cannot be measured are written as text."""
    rows = summary.targets.indicators
    figure = _figure(8.5, 1.6 + 0.5 * len(rows))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]  # the first target on top
    for y, indicator in zip(positions, rows, strict=True):
        fig = summary.figure(indicator)
        if fig.percentage is None:
            word = value(fig)
            if fig.spec.count and fig.status in COLOURS:
                word = f"{word} — {status_word(fig)}"
            overdue = fig.status == Status.NOT_MET
            colour = COLOURS[Status.NOT_MET] if overdue else "#424242"
            axes.text(1, y, word, va="center", fontsize=11, color=colour)
            continue
        width = max(fig.percentage, STUB)
        axes.barh(y, width, height=0.6, color=COLOURS[fig.status])
        axes.plot([fig.spec.threshold] * 2, [y - 0.4, y + 0.4], color="black", linewidth=2.5)
        axes.text(min(width, 100) + 1.5, y, percent(fig.percentage), va="center", fontsize=11)
    axes.set_yticks(positions, [i.short for i in rows], fontsize=11)
    axes.set_xlim(0, 112)
    axes.set_xticks(range(0, 101, 20), [f"{x}%" for x in range(0, 101, 20)])
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#eeeeee")
    axes.set_axisbelow(True)
    axes.set_title(
        t(
            "summaries.chart_indicators_title",
            where=summary.scope.name,
            date=show_date(summary.scope.as_of),
            period=period_label(summary.scope.period),
        ),
        fontsize=13,
        loc="left",
    )
    _status_legend(axes)
    return figure


def _status_legend(axes) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(color=COLOURS[s], label=t(f"summaries.status_{s.value}")) for s in COLOURS]
    handles.append(
        Line2D([], [], color="black", linewidth=2.5, label=t("summaries.chart_threshold"))
    )
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06),
        ncol=4,
        fontsize=10,
        frameon=False,
    )


def ratings_figure(chart: RatingsChart):
    """Stacked bars, one per period: how many officials got each rating, and not rated."""
    figure = _figure(8, 6)
    axes = figure.add_subplot()
    labels = [_period_tick(period) for period in chart.periods]
    bottoms = [0] * len(labels)
    for rating in [*reversed(list(Rating)), None]:
        heights = [
            (by.get(rating, 0) if rating else max(chart.headcount - sum(by.values()), 0))
            for by in (chart.counts.get(period.key, {}) for period in chart.periods)
        ]
        name = t(f"summaries.rating_{rating.value}") if rating else t("summaries.not_rated")
        axes.bar(labels, heights, bottom=bottoms, color=RATING_COLOURS[rating], label=name)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_ylabel(t("summaries.chart_people"), fontsize=11)
    _whole_numbers(axes)
    title = t(
        "summaries.chart_ratings_title",
        where=chart.where,
        count=len(chart.periods),
        period=period_label(chart.periods[-1]),
    )
    axes.set_title(title, fontsize=13, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=10, frameon=False)
    return figure


def _period_tick(period: Period) -> str:
    """ "Quý III/2026"; the annual one on two lines ("Cả năm 2026,\ngồm quý IV")."""
    text = period_label(period)
    return textwrap.fill(text[:1].upper() + text[1:], width=14)


def training_figure(chart: TrainingChart):
    """Stacked bars, one per month: the verified courses the target counts, by category."""
    figure = _figure(8, 6)
    axes = figure.add_subplot()
    labels = [f"{m:02d}/{y}" for y, m in chart.months]
    bottoms = [0] * len(labels)
    axes.bar(labels, bottoms, color="none")  # every month on the axis, even with no courses
    counts = chart.counts
    present = [c for c in CourseCategory if any(c in counts.get(m, {}) for m in chart.months)]
    for category in present:
        heights = [counts.get(month, {}).get(category, 0) for month in chart.months]
        colour = CATEGORY_COLOURS[list(CourseCategory).index(category)]
        axes.bar(
            labels,
            heights,
            bottom=bottoms,
            color=colour,
            label=t(f"summaries.category_{category.value}"),
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    if not present:
        axes.text(
            0.5,
            0.5,
            t("summaries.chart_no_training"),
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontsize=12,
            color="#616161",
        )
    axes.set_ylabel(t("summaries.chart_courses"), fontsize=11)
    _whole_numbers(axes)
    axes.tick_params(axis="x", labelrotation=45, labelsize=10)
    title = t(
        "summaries.chart_training_title",
        number=chart.number,
        where=chart.where,
        since=show_date(chart.since),
        until=show_date(chart.until),
    )
    axes.set_title(title, fontsize=13, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    if present:
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=10, frameon=False
        )
    return figure


def target_figure(chart: RatingsChart | TrainingChart):
    if isinstance(chart, RatingsChart):
        return ratings_figure(chart)
    return training_figure(chart)


def _whole_numbers(axes) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0, top=max(axes.get_ylim()[1], 1))


def new_file(folder: Path, prefix: str, suffix: str, keep_seconds: float = KEEP_SECONDS) -> Path:
    """A fresh unguessable file name in `folder`, after removing its files older than
    `keep_seconds` (they may hold personal data, and the message that carried them has gone
    out; files kept on the desk are in a folder of their own, kept as long as the desk keeps
    them).

    The file is created here, empty, readable by the bot's user only, and its folder closed
    to others: names and birth dates are never readable by anyone else, not even while
    being written (writers truncate it and keep its mode)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # made before this rule, or by another program
    cutoff = time.time() - keep_seconds
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    path = folder / f"{prefix}-{secrets.token_hex(8)}{suffix}"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def save(
    figure, folder: Path, prefix: str, dpi: int = DPI, keep_seconds: float = KEEP_SECONDS
) -> Path:
    """The chart as a PNG file: at DPI for a chat, PRINT_DPI for a download to print."""
    path = new_file(folder, prefix, ".png", keep_seconds)
    figure.savefig(path, format="png", dpi=dpi)
    return path
