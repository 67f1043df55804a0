"""The charts of /tonghop and /chitieu N: what each counts (read from the figures they are drawn
from, not from pixels), how a bar reads, the period in the title, and the print resolution.
On the commune of tests/helpers/summary_data.py, on SQLite and PostgreSQL."""

from datetime import date

import matplotlib.colors
import matplotlib.image
import pytest
from sqlalchemy import delete

from handlers.periods import Period, current_period
from handlers.services.summaries import chart_data, charts
from handlers.services.summaries.figures import Summary, summarise
from handlers.services.summaries.scope import Scope
from knowledge.indicators import Basis, Figure, Status, status
from knowledge.targets import load_targets
from knowledge.vocabulary import CourseCategory
from storage.models import CourseReport
from storage.repo import Repo
from tests.helpers import summary_data as data
from tests.helpers.app import chat_as

TARGETS = load_targets()
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def commune(database, tmp_path):
    async with data.open_commune(database, tmp_path / "summaries") as app:
        yield app


@pytest.fixture
def drawn(monkeypatch) -> list:
    """The figures each /chitieu chart is drawn from, as the command read them."""
    seen = []
    read = chart_data.target_chart

    async def reading(*args):
        chart = await read(*args)
        seen.append(chart)
        return chart

    monkeypatch.setattr(chart_data, "target_chart", reading)
    return seen


async def only_job_position_courses(app) -> None:
    """The commune with target 2's courses only: every other category removed."""
    async with app.sessionmaker() as session, session.begin():
        await session.execute(
            delete(CourseReport).where(CourseReport.category != CourseCategory.JOB_POSITION)
        )


async def test_each_target_charts_only_its_own_courses(commune, drawn):
    await only_job_position_courses(commune)
    admin = await chat_as(commune, "L1")

    out = await admin.send("/chitieu 3")
    assert "[Tệp: " in out and "chỉ tiêu (3)" in out
    (chart,) = drawn
    assert isinstance(chart, chart_data.TrainingChart) and chart.number == 3
    assert chart.total == 0 and chart.counts == {}  # target 2's courses are not target 3's
    axes = charts.target_figure(chart).axes[0]
    assert "Chưa có khóa học nào của chỉ tiêu này" in axes.texts[0].get_text()

    await admin.send("/chitieu 2")
    # L1's, S1's and H2's; H1's of 31/12/2025 is before the plan's period and X1 has left.
    assert drawn[-1].counts == {
        (2026, 2): {CourseCategory.JOB_POSITION: 1},
        (2026, 3): {CourseCategory.JOB_POSITION: 1},
        (2026, 4): {CourseCategory.JOB_POSITION: 1},
    }
    # The months start with the plan's training period, not twelve months back.
    assert drawn[-1].since == date(2026, 1, 1) and drawn[-1].until == data.TODAY
    assert drawn[-1].months == [(2026, month) for month in range(1, 12)]
    title = charts.target_figure(drawn[-1]).axes[0].get_title(loc="left")
    assert title == (
        "Chỉ tiêu (2): khóa học đã duyệt theo tháng\n"
        "Toàn xã · hoàn thành từ 01/01/2026 đến 27/11/2026"
    )

    await admin.send("/chitieu 2 UB")
    assert drawn[-1].total == 1 and drawn[-1].where == "Phòng UB"  # H2's alone


async def test_the_ratings_chart_names_its_periods_as_people_say_them(commune, drawn):
    admin = await chat_as(commune, "L1")
    out = await admin.send("/chitieu 4")
    assert "[Tệp: " in out
    (chart,) = drawn
    assert [p.key for p in chart.periods] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert sum(chart.counts["2026Q3"].values()) == 7 and chart.headcount == 10
    figure = charts.target_figure(chart)
    figure.draw_without_rendering()
    axes = figure.axes[0]
    ticks = [label.get_text() for label in axes.get_xticklabels()]
    assert ticks == ["Cả năm 2025,\ngồm quý IV", "Quý I/2026", "Quý II/2026", "Quý III/2026"]
    assert (
        axes.get_title(loc="left") == "Xếp loại theo kỳ — Toàn xã\n4 kỳ gần nhất, đến quý III/2026"
    )


async def test_the_overview_chart_title_says_where_and_when(commune):
    async with commune.sessionmaker() as session:
        scope = Scope(None, current_period(data.TODAY), data.TODAY, data.TODAY)
        summary = await summarise(Repo(session), TARGETS, scope)
    title = charts.indicators_figure(summary).axes[0].get_title(loc="left")
    assert title == "Chỉ tiêu NQ 05 — Toàn xã\nTính đến 27/11/2026 · xếp loại quý III/2026"


def overdue_summary() -> Summary:
    """Every share at 0 %, taken on 20/12/2031: past every deadline (2030 and the period's)."""
    period = Period(2031, 4)
    today = date(2031, 12, 20)
    basis = Basis(as_of=today, period=period.key, period_due=period.due, today=today)
    figures = {spec.key: Figure(spec, 0, 10, status(spec, 0, 10, basis)) for spec in TARGETS.specs}
    return Summary(Scope(None, period, today, today), TARGETS, figures, 10, 0)


def test_an_overdue_indicator_at_zero_shows_as_a_red_stub():
    summary = overdue_summary()
    assert summary.figures["8"].status == Status.NOT_MET
    figure = charts.indicators_figure(summary)
    figure.draw_without_rendering()  # lays the chart out, as saving it does
    axes = figure.axes[0]
    row = {
        label.get_text(): y
        for y, label in zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    }
    bars = {round(bar.get_y() + bar.get_height() / 2): bar for bar in axes.patches}
    bar = bars[row["8. Trang thiết bị đạt chuẩn"]]
    assert bar.get_facecolor() == matplotlib.colors.to_rgba(charts.COLOURS[Status.NOT_MET])
    left, right = axes.transData.transform([(0, 0), (bar.get_width(), 0)])[:, 0]
    assert right - left >= 3  # pixels at the chat's resolution: seen on a phone
    assert "0%" in [text.get_text() for text in axes.texts]
    # Counted indicators (a head count, no bar) say it in red too.
    stub_texts = {text.get_text(): text for text in axes.texts}
    assert stub_texts["0 người — chưa đạt"].get_color() == charts.COLOURS[Status.NOT_MET]
    # The annual evaluation is named as people say it, never as its key.
    title = axes.get_title(loc="left")
    assert "xếp loại cả năm 2031, gồm quý IV" in title and "2031Q4" not in title


def test_a_chart_for_print_is_saved_at_200_dpi(tmp_path):
    figure = charts.indicators_figure(overdue_summary())
    width_inches = figure.get_figwidth()
    for dpi in (charts.DPI, charts.PRINT_DPI):
        path = charts.save(figure, tmp_path, "chi-tieu", dpi=dpi)
        assert path.read_bytes().startswith(PNG)
        assert matplotlib.image.imread(path).shape[1] == round(width_inches * dpi)
    assert charts.PRINT_DPI >= 200 and charts.DPI < charts.PRINT_DPI
