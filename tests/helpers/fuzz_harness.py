"""What the conversation fuzz tests share: the inputs, the harness that sends them, the checks."""

import dataclasses
import itertools
import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bot.channels import zalo as zalo_channel
from bot.channels.base import split_text
from bot.channels.telegram import TEXT_LIMIT as TELEGRAM_LIMIT
from bot.channels.zalo import TEXT_LIMIT as ZALO_LIMIT
from handlers.app import build_router
from handlers.texts import t
from handlers.types import Attachment, Incoming, Reply
from knowledge.scoring import Scheme
from knowledge.vocabulary import CourseCategory, Rating
from storage.enums import EvaluationStatus, ReportStatus
from storage.models import ConversationState
from storage.repo import Repo
from tests.helpers.sample_form import install_form

# -- what the properties look for -----------------------------------------------------------

_MARK = "\x00MARK\x00"
APOLOGY = t("common.error", reference=_MARK).split(_MARK)[0]  # "Xin lỗi, hệ thống vừa gặp sự cố…"
DATABASE_DOWN = t("common.database_down")

# Clocks: inside the quarterly window (Q2 2026), inside the annual one (1–15 December), and
# outside both (the sample form's 27/11/2026).
CLOCKS = (
    datetime(2026, 6, 25, 3, 0, tzinfo=timezone.utc),
    datetime(2026, 12, 10, 3, 0, tzinfo=timezone.utc),
    datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc),
)

# -- inputs ---------------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
RTL_WORDS = ("مرحبا بالعالم", "שלום עולם", "\u202eدولة\u202c", "سلام ١٢٣")
EMOJI = ("😀", "👍🏽", "👨‍👩‍👧‍👦", "🇻🇳", "✅", "🧑🏿‍💻", "❤️", "🏳️‍🌈")
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x80\x85\x9f\r\t\n\u2028\u2029"
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u034f\u20dd"
# Digits that are not ASCII: some are decimal (int() takes them), some only "digits" (²,
# ①: str.isdigit() says yes, int() says no).
ODD_DIGITS = "٠١٢٣٤٥٦٧٨٩۴१०๓²³¹⁴①⑴"  # Arabic-Indic, Extended Arabic, Devanagari, Thai, …

special_char = st.sampled_from(ZERO_WIDTH + BIDI + CONTROL + COMBINING + ODD_DIGITS)
any_char = st.characters(codec="utf-8")  # every code point but surrogates
any_text = st.text(st.one_of(any_char, special_char), max_size=120) | st.sampled_from(
    RTL_WORDS + EMOJI
)


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


huge_text = st.builds(
    _repeat,
    st.text(st.one_of(any_char, special_char), min_size=1, max_size=12) | st.sampled_from(EMOJI),
    st.sampled_from([3999, 4000, 4001, 4096, 5000, 20000]) | st.integers(3900, 20000),
)
# Texts just under the core's length limit: everything that echoes them must still fit.
long_text = st.builds(
    _repeat,
    st.text(st.one_of(any_char, special_char), min_size=1, max_size=8) | st.sampled_from(EMOJI),
    st.integers(1000, 3999),
)

COMMANDS = sorted({*build_router().commands, "thu"})  # "thu": the sample form (tests only)
FORM_COMMANDS = ("baocao", "danhgia", "thu", "huy", "quaylai", "help", "toi", "start")
numbers = st.integers(-3, 40).map(str) | st.sampled_from(
    [
        "0",
        "00",
        "1.5",
        "1,5",
        "8,5",
        "-1",
        "+2",
        " 2 ",
        "1e3",
        "2000",
        "2001",
        "1000",
        "1001",
        "2147483648",
        "9223372036854775808",
        "9" * 30,
        "²",
        "1²",
        "①",
        "٣",
    ]
)
words = st.sampled_from(
    [
        "bỏ qua",
        "Bỏ Qua",
        "bo qua",
        "có",
        "không",
        "Có phải",
        "ok",
        "hôm qua",
        "hôm nay",
        "12/10/2026",
        "05/11/26",
        "32/13/2026",
        "01/01/2027",
        "29/02/2026",
        "31/12/1969",
        "ki nang so co bn",
        "an toan mang",
        "Lớp bồi dưỡng đảng viên mới",
        "Trung tâm chính trị",
        "Trung cấp",
        "Cao cấp",
        "Sơ cấp",
        "Lý luận chính trị",
        "Hoàn thành tốt nhiệm vụ",
        "chỉ tiêu thạc sĩ đối với trưởng phòng",
        "chi tieu thac si truong phong",
        "xin chào",
        "cảm ơn",
        "DEMO010",
        "2026Q2",
        "2026Q4",
        "2026Q9",
        "__skip__",
        "__confirm__",
        "c:bdhvs-ky-nang-so",
        "c:khong-co",
        "p:default",
        "yes",
        "no",
    ]
)
garbage_code = st.text(st.sampled_from("ABCDEFGHJKMNPQRSTUVWXYZ23456789abc-_ 0OIl"), max_size=14)
command_args = (
    st.just("")
    | numbers
    | words
    | garbage_code
    | any_text
    | st.sampled_from(["DEMO010 admin", "DEMO999", "1 2026Q2", "7 DEMO_UNIT 2026Q2"])
)
command = st.builds(
    lambda slash, name, at, args: f"{slash}{name}{at} {args}".rstrip(),
    st.sampled_from(["/", "/", "/", " /"]),
    st.sampled_from(COMMANDS)
    | st.sampled_from(FORM_COMMANDS)
    | st.sampled_from(["", "TOI", "BaoCao", "hepl", "xyz", "start@", "/", "🙂"])
    | any_text,
    st.sampled_from(["", "", "", "@canbo_test_bot", "@"]),
    command_args,
)
start_with_garbage = st.builds(lambda code: f"/start {code}", garbage_code | any_text)
message_text = (
    command | start_with_garbage | numbers | words | any_text | long_text | huge_text | st.just("")
)
choice_payload = (
    st.text(st.one_of(any_char, special_char), min_size=0, max_size=70)
    | st.builds(lambda c: f"/{c}", st.sampled_from(COMMANDS))
    | command
    | words
    | numbers
)

# One step of a sequence: who sends it, and what.
WHO = ("official", "admin", "guest")
action = st.tuples(
    st.sampled_from(WHO),
    st.one_of(
        st.tuples(st.just("text"), message_text),
        st.tuples(st.just("choice"), choice_payload),
        st.tuples(st.just("pick"), st.integers(0, 11)),  # press a button actually offered
        st.tuples(st.just("photo"), st.sampled_from(["", "ảnh giấy chứng nhận"]) | any_text),
        st.tuples(st.just("again"), st.just("")),  # the platform redelivers the last update
    ),
)
# Mostly form traffic: open a form and answer it, mostly with answers that fit the question
# (see `plausible`), sometimes with real choices, noise, /quaylai, /huy or another command.
FORM_OPENERS = {
    "official": ("/baocao", "/danhgia", "/thu", "/khoahoc", "/caidat"),
    "admin": (
        "/baocao",
        "/danhgia",
        "/thu",
        "/duyet",
        "/xemdanhgia",
        "/thongbao",
        "/thongbao_moi",
        "/khoahoc",
    ),
}
noise = st.one_of(
    st.tuples(st.just("pick"), st.integers(0, 3)),
    st.tuples(st.just("text"), numbers | words | any_text),
    st.tuples(
        st.just("text"),
        st.sampled_from(
            ["/quaylai", "/quaylai", "/huy", "/help", "/toi", "/start", "/baocao", "/danhgia"]
        ),
    ),
    st.tuples(st.just("photo"), st.just("")),
    st.tuples(st.just("again"), st.just("")),
)
form_action = st.builds(
    lambda who, roll, fit, other: (who, ("fit", fit) if roll < 8 else other),
    st.sampled_from(["same"] * 7 + ["other"]),  # mostly the one who opened the form
    st.integers(0, 9),  # four times in five, an answer that fits the question
    st.integers(0, 7),
    noise,
)
opener = st.sampled_from(WHO[:2]).flatmap(
    lambda who: st.tuples(st.just(who), st.sampled_from(FORM_OPENERS[who]))
)
OTHER = {"official": "admin", "admin": "official"}
form_walk = st.builds(
    lambda first, rest: (
        [(first[0], ("text", first[1]))]
        + [({"same": first[0], "other": OTHER[first[0]]}[who], step) for who, step in rest]
    ),
    opener,
    st.integers(8, 30).flatmap(lambda n: st.lists(form_action, min_size=n, max_size=n)),
)
sequence = st.integers(1, 30).flatmap(lambda n: st.lists(action, min_size=n, max_size=n))

# -- the harness ----------------------------------------------------------------------------

PHOTO = object()


def plausible(question: str, today: date) -> list:
    """Answers that fit the question last asked (what a careful official would type)."""
    yesterday = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    answers = (
        (
            "Tên khóa học",
            [
                "ki nang so co bn",
                "an toan mang",
                "Lớp bồi dưỡng 😀 mới",
                "Khóa \u200bhọc\u202e ngược",
            ],
        ),
        ("đơn vị nào tổ chức", ["Trung tâm chính trị", "Sở Nội vụ tỉnh"]),
        ("Ngày hoàn thành", [yesterday, "hôm qua", "hôm nay"]),
        ("bao nhiêu giờ", ["6", "40", "2000"]),
        ("giấy chứng nhận", [PHOTO, "bỏ qua"]),
        ("tự chấm bao nhiêu điểm", ["4", "5", "3,5", "0"]),
        ("được giao bao nhiêu", ["10", "0", "3"]),
        ("Đã hoàn thành bao nhiêu", ["10", "11", "3"]),
        ("bao nhiêu đúng hạn", ["3", "0", "10"]),
        ("Ghi chú về kết quả", ["bỏ qua", "Sản phẩm tiêu biểu: báo cáo quý"]),
        ("Ưu điểm", ["Chủ động, đúng hạn", "✅ tốt"]),
        ("Hạn chế", ["không", "Còn chậm"]),
        ("Vì sao bạn đề xuất", ["Hoàn thành thêm nhiệm vụ đột xuất"]),
        ("Lý do", ["Thiếu giấy chứng nhận", "Sai ngày"]),
        ("Nhận xét", ["Hoàn thành vượt kế hoạch", "bỏ qua"]),
        ("Nội dung", ["Họp giao ban sáng thứ Hai 😀", "Nộp báo cáo trước 30/06"]),
    )
    fitting = [
        a
        for marker, candidates in answers
        if marker.lower() in question.lower()
        for a in candidates
    ]
    return fitting or ["bỏ qua", "1", yesterday]


ids = itertools.count(1)  # accounts and update ids: never the same twice in a run


@dataclasses.dataclass
class User:
    channel: str
    user_id: str
    last_choices: tuple = ()  # buttons of an earlier message, which may still be pressed
    offered: tuple = ()  # the choices of the last reply
    last_text: str = ""  # the last question asked
    last: Incoming | None = None


class Harness:
    """Fresh accounts for every example (an official, an admin, a stranger) on one app."""

    def __init__(self, app):
        self.app = app

    async def users(self, official: str, channels: tuple[str, str, str]) -> dict[str, User]:
        number = next(ids)
        users = {
            who: User(channel, f"fz{number}{who[0]}")
            for who, channel in zip(WHO, channels, strict=True)
        }
        async with self.app.sessionmaker() as session, session.begin():
            repo = Repo(session)
            for who, code in (("official", official), ("admin", "DEMO001")):
                user = users[who]
                await repo.accounts.link(
                    await repo.officials.by_code(code),
                    user.channel,
                    user.user_id,
                    user.user_id,
                    "Fuzz",
                )
        return users

    async def send(self, user: User, kind: str, value) -> list[Reply]:
        if kind == "again":
            if user.last is None:
                return []
            replies = await self.app.conversation.handle(user.last)
            assert replies == [], "a redelivered update was handled twice"
            return replies
        fields = {}
        if kind == "fit":  # an answer that fits: a choice on offer, else a plausible text
            if user.offered and value % 2 == 0:
                kind, value = "choice", user.offered[value // 2 % len(user.offered)].value
            else:
                options = plausible(user.last_text, self.app.conversation.clock().date())
                answer = options[value % len(options)]
                kind, value = ("photo", "") if answer is PHOTO else ("text", answer)
        if kind == "text":
            fields["text"] = value
        elif kind == "choice":
            fields["choice"] = value
        elif kind == "pick":
            if user.last_choices:
                fields["choice"] = user.last_choices[value % len(user.last_choices)].value
            else:
                fields["text"] = str(value)
        elif kind == "photo":
            fields["text"] = value
            fields["attachments"] = (
                Attachment("photo", file_id=f"photo-{next(ids)}", url="https://zalo.example/p.jpg"),
            )
        incoming = Incoming(
            user.channel,
            user.user_id,
            user.user_id,
            update_id=f"u{next(ids)}",
            display_name="Fuzz",
            **fields,
        )
        replies = await self.app.conversation.handle(incoming)
        check_replies(incoming, replies)
        user.last = incoming
        offered = next((r.choices for r in reversed(replies) if r.choices), ())
        user.last_choices = offered or user.last_choices
        user.offered = offered
        user.last_text = replies[-1].text
        return replies


def check_replies(incoming: Incoming, replies) -> None:
    assert isinstance(replies, list) and replies, f"no answer to {incoming!r}"
    for reply in replies:
        assert isinstance(reply, Reply)
        assert not reply.text.startswith(APOLOGY), f"error apology for {incoming!r}: {reply.text}"
        assert reply.text != DATABASE_DOWN, f"'database down' for {incoming!r}"
        assert reply.text.strip() or reply.attachment is not None, f"empty reply to {incoming!r}"
        if reply.text:
            fits(reply.text, TELEGRAM_LIMIT)
        fits(zalo_channel.render(reply), ZALO_LIMIT)
        for choice in reply.choices:
            assert 1 <= len(choice.value.encode()) <= 64, choice
            assert choice.label.strip(), choice


def fits(message: str, limit: int) -> None:
    pieces = split_text(message, limit)
    assert pieces
    for piece in pieces:
        assert 1 <= len(piece) <= limit and piece.strip(), (limit, len(piece))


async def check_database(app) -> None:
    """Nothing the conversation stored is out of shape, and nothing is half-written."""
    forms = app.conversation.router.forms
    async with app.sessionmaker() as session:
        for state in await session.scalars(select(ConversationState)):
            assert state.form is None or state.form in forms, state.form
            assert isinstance(state.answers, dict) and isinstance(state.choices, list)
            assert all(isinstance(c, list) and len(c) == 2 for c in state.choices)
            if state.form is None:
                assert state.answers == {} and state.step == 0
            else:
                assert 0 <= state.step <= len(forms[state.form].steps)

        created = {
            row.entity_id
            for row in await session.execute(
                text("SELECT entity_id FROM audit_log WHERE action = 'report_created'")
            )
        }
        officials = {row.id for row in await session.execute(text("SELECT id FROM officials"))}
        reports = (
            (
                await session.execute(
                    text(
                        "SELECT id, official_id, category, course_name, completed_on, hours, status, level"
                        " FROM course_reports"
                    )
                )
            )
            .mappings()
            .all()
        )
        for report in reports:
            assert report["official_id"] in officials
            assert report["category"] in set(CourseCategory)
            assert report["status"] in set(ReportStatus)
            assert report["course_name"] and report["course_name"].strip()
            assert report["completed_on"] is not None
            assert report["hours"] is None or 1 <= report["hours"] <= 2000
            assert str(report["id"]) in created, f"report {report['id']} has no audit entry"

        submitted = {
            row.entity_id
            for row in await session.execute(
                text("SELECT entity_id FROM audit_log WHERE action = 'evaluation_submitted'")
            )
        }
        criteria = {c.key for c in Scheme.default().criteria}
        evaluations = (
            (
                await session.execute(
                    text(
                        "SELECT id, official_id, period, criteria, general_points, task_points, total_points,"
                        " tasks_assigned, tasks_completed, tasks_on_time, tasks_quality, strengths,"
                        " shortcomings,"
                        " proposed_rating, status FROM evaluations"
                    )
                )
            )
            .mappings()
            .all()
        )
        for evaluation in evaluations:
            assert evaluation["official_id"] in officials
            assert re.fullmatch(r"\d{4}Q[1-4]", evaluation["period"])
            stored = evaluation["criteria"]
            stored = stored if isinstance(stored, dict) else json.loads(stored)
            assert set(stored) == criteria
            assert evaluation["proposed_rating"] in set(Rating)
            assert evaluation["status"] in set(EvaluationStatus)
            assert evaluation["strengths"] and evaluation["shortcomings"]
            assert evaluation["tasks_on_time"] <= evaluation["tasks_completed"]
            assert evaluation["tasks_quality"] <= evaluation["tasks_completed"]
            assert (
                abs(
                    evaluation["general_points"]
                    + evaluation["task_points"]
                    - evaluation["total_points"]
                )
                < 0.11
            )
            assert str(evaluation["id"]) in submitted


def make_harness(app, tmp_path) -> Harness:
    """The harness on the test's app, with the sample form; each fuzz test module's `harness`
    fixture returns it."""
    install_form(app)
    # Charts and workbooks an admin's random command asks for go to this test's folder; the
    # per-minute message limits are off (the fuzzer sends hundreds a minute; floods have
    # their own tests).
    app.conversation.options = dataclasses.replace(
        app.conversation.options,
        summaries_dir=tmp_path / "summaries",
        rate_limit_per_minute=0,
        rate_limit_stranger_per_minute=0,
    )
    return Harness(app)


FUZZ = settings(
    deadline=None,
    database=None,  # examples depend on a per-test database: do not replay across runs
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SLOW = pytest.mark.slow


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)
