"""A whole quarter with a controllable clock: the form opens for everyone, reminders reach only
those who have not submitted, a restart repeats and drops nothing, nights stay quiet."""

import asyncio
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.channels.base import SENT, SendResult
from bot.delivery import Deliverer
from bot.scheduler import plan_once
from handlers.types import Incoming, Reply
from storage.enums import DeliveryStatus
from storage.models import Delivery, Official
from tests.helpers.app import Chat, chat_as

HANOI = timezone(timedelta(hours=7))
CODES = ["DEMO002", "DEMO003", "DEMO004", "DEMO005", "DEMO006"]
# Every step of /danhgia: criteria, the four counts, notes skipped, strengths, shortcomings,
# neither ground (2 = «Không»), the band kept, confirmed.
ANSWERS = ["9", "9", "5", "4", "10", "10", "9", "9", "bỏ qua", "Tốt", "không", "2", "2", "1"]
ANSWERS += ["xác nhận"]


def at(day: str, clock: str) -> datetime:
    """A local (Hanoi) time, e.g. at("20/06/2026", "08:05")."""
    return datetime.strptime(f"{day} {clock}", "%d/%m/%Y %H:%M").replace(tzinfo=HANOI)


@dataclass
class Recorder:
    """A channel that keeps what it was asked to send."""

    name: str = "console"
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.sent.append((chat_id, reply.text))
        return SENT

    def to(self, chat_id: str) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


@pytest.fixture
async def quarter(app):
    now = [at("19/06/2026", "10:00")]
    app.conversation.clock = lambda: now[0]
    for code in CODES:
        await chat_as(app, code)
    recorder = Recorder()
    deliverer = Deliverer(
        app.sessionmaker,
        {"console": recorder},
        app.conversation.options,
        rates={"console": 1000},
        clock=lambda: now[0],
    )

    async def tick(moment: datetime) -> None:
        now[0] = moment
        await plan_once(app.sessionmaker, app.conversation.options, clock=lambda: moment)
        await deliverer.run_once()

    return now, recorder, tick


def opened(recorder: Recorder) -> list[str]:
    return sorted(chat for chat, text in recorder.sent if "Đã mở tự đánh giá quý II/2026" in text)


async def submit(app, code: str) -> None:
    """The official fills in the self-evaluation (straight to the conversation: the console
    helper would also deliver queued pushes, which these tests do themselves)."""
    await chat_as(app, code)
    for message in ("/danhgia", *ANSWERS):
        await app.conversation.handle(Incoming("console", code, code, text=message))


async def statuses(app) -> dict[str, DeliveryStatus]:
    async with app.sessionmaker() as session:
        return {d.key: d.status for d in await session.scalars(select(Delivery))}


async def test_a_whole_quarter(app, quarter):
    now, recorder, tick = quarter
    await tick(at("19/06/2026", "10:00"))
    await tick(at("20/06/2026", "07:59"))
    assert opened(recorder) == []  # not open yet

    await tick(at("20/06/2026", "08:01"))
    assert opened(recorder) == CODES

    await submit(app, "DEMO002")
    await submit(app, "DEMO003")

    await tick(at("02/07/2026", "08:01"))  # 3 days before 05/07
    reminded = [chat for chat, text in recorder.sent if "Còn 3 ngày" in text]
    assert sorted(reminded) == ["DEMO004", "DEMO005", "DEMO006"]

    # The 1-day reminder is queued; DEMO004 submits before it goes out: it is dropped.
    now[0] = at("04/07/2026", "08:01")
    await plan_once(app.sessionmaker, app.conversation.options, clock=lambda: now[0])
    await submit(app, "DEMO004")
    await tick(at("04/07/2026", "08:02"))
    reminded = [chat for chat, text in recorder.sent if "Còn 1 ngày" in text]
    assert sorted(reminded) == ["DEMO005", "DEMO006"]
    assert (await statuses(app))["eval-reminder:2026Q2:1:4"] == DeliveryStatus.DROPPED

    # Planning again, as a restarted scheduler would, queues nothing new.
    before = len(recorder.sent)
    for moment in (at("04/07/2026", "09:00"), at("05/07/2026", "12:00")):
        await tick(moment)
    assert len(recorder.sent) == before
    evaluation_pushes = [t for t in recorder.to("DEMO005") if "tự đánh giá" in t]
    assert len(evaluation_pushes) == 3  # opening + two reminders, once each


async def test_a_push_due_at_night_waits_for_the_morning(app, quarter):
    now, recorder, tick = quarter
    await tick(at("19/06/2026", "22:00"))
    admin = await chat_as(app, "DEMO001")
    out = await admin.send(
        "/thongbao_moi", "1", "Họp giao ban sáng thứ Hai lúc 7 giờ 30", "1", "xác nhận"
    )
    assert "(Giờ đó là giờ nghỉ nên tin sẽ đi lúc 20/06/2026 07:00.)" in out
    await tick(at("19/06/2026", "22:05"))
    await tick(at("20/06/2026", "06:59"))
    assert [t for _, t in recorder.sent if "Họp giao ban" in t] == []
    await tick(at("20/06/2026", "07:00"))
    got = sorted(chat for chat, text in recorder.sent if "Họp giao ban" in text)
    assert got == sorted(["DEMO001", *CODES])
    out = await admin.send("/thongbao")
    assert "Thông báo · 19/06/2026 22:00 · đã gửi 6\n" in out


async def test_a_restart_in_the_middle_of_a_campaign_sends_each_once(app, database, quarter):
    now, recorder, tick = quarter
    now[0] = at("20/06/2026", "08:01")
    await plan_once(app.sessionmaker, app.conversation.options, clock=lambda: now[0])
    # A slow platform: one push a second to this channel, so the stop lands mid-campaign.
    first = Deliverer(
        app.sessionmaker,
        {"console": recorder},
        app.conversation.options,
        rates={"console": 1},
        clock=lambda: now[0],
    )
    stop = asyncio.Event()
    running = asyncio.create_task(first.run(stop))
    while len(opened(recorder)) < 2:
        await asyncio.sleep(0.05)
    stop.set()  # SIGTERM: the push in flight finishes, the rest stay queued
    await running
    sent_before = opened(recorder)
    assert 2 <= len(sent_before) < len(CODES)

    async with database.app() as restarted:
        fresh = Deliverer(
            restarted.sessionmaker,
            {"console": recorder},
            restarted.conversation.options,
            rates={"console": 1000},
            clock=lambda: now[0],
        )
        await plan_once(
            restarted.sessionmaker, restarted.conversation.options, clock=lambda: now[0]
        )
        await fresh.run_once()
    assert opened(recorder) == CODES  # each official once: nothing repeated, nothing dropped


async def test_officials_can_turn_optional_nudges_off(app, quarter):
    now, recorder, tick = quarter
    chat = await chat_as(app, "DEMO003")
    out = await chat.send("/caidat")
    assert "đang bật" in out
    assert "đã tắt" in await chat.send("1")
    await tick(at("15/07/2026", "08:01"))  # the monthly self-study nudge
    nudged = sorted(chat for chat, text in recorder.sent if "Bình dân học vụ số" in text)
    assert "DEMO003" not in nudged and "DEMO002" in nudged


async def test_scheduler_jobs_have_fixed_ids_and_a_catch_up_run(app):
    from bot.scheduler import JOB_ID, PRUNE_JOB_ID, start_scheduler

    scheduler = start_scheduler(app.sessionmaker, app.conversation.options)
    try:
        jobs = scheduler.get_jobs()
        assert sorted(job.id for job in jobs) == sorted([JOB_ID, PRUNE_JOB_ID])
        for job in jobs:
            assert job.coalesce and job.misfire_grace_time == 3600 and job.max_instances == 1
    finally:
        scheduler.shutdown(wait=False)


# -- «Gửi ngay», catch-up on linking, dates ------------------------------------------------


async def test_send_now_is_queued_at_once_and_wakes_the_sender(app):
    app.conversation.clock = lambda: at("19/06/2026", "10:00")
    for code in CODES:
        await chat_as(app, code)
    recorder = Recorder()
    deliverer = Deliverer(
        app.sessionmaker,
        {"console": recorder},
        app.conversation.options,
        rates={"console": 1000},
        clock=lambda: at("19/06/2026", "10:00"),
    )
    stop = asyncio.Event()
    # A round a minute: only the wake-up can make the announcement go out within seconds.
    sending = asyncio.create_task(deliverer.run(stop, interval=60, wake=app.conversation.outbox))
    try:
        await asyncio.sleep(0.1)  # the first round, before anything is queued
        admin = await chat_as(app, "DEMO001")
        out = await admin.send(
            "/thongbao_moi", "1", "Họp giao ban lúc 14 giờ hôm nay", "1", "xác nhận"
        )
        assert "Đang gửi thông báo" in out and "tới 6 cán bộ" in out
        # Each of the six gets it once, from whichever sender claims it first: the woken one,
        # or the console's own (run at the end of the admin's input; the officials here
        # are all linked to the console), which prints it with the admin's replies.
        on_console = re.findall(r"🔔 \[(DEMO\d+)\] 📣 Thông báo: Họp giao ban", out)
        for _ in range(100):
            if len(recorder.sent) + len(on_console) >= 6:
                break
            await asyncio.sleep(0.05)
        sent = [chat for chat, _ in recorder.sent] + on_console
        assert sorted(sent) == sorted(["DEMO001", *CODES])
        out = await admin.send("/thongbao")
        assert "· đã gửi 6\n" in out
    finally:
        stop.set()
        await sending


async def test_an_official_who_links_later_hears_of_what_is_still_open(app, quarter):
    now, recorder, tick = quarter
    admin = await chat_as(app, "DEMO001")
    now[0] = at("01/06/2026", "09:00")
    await admin.send(
        "/thongbao_moi", "1", "Thông báo đầu tháng sáu", "1", "xác nhận"
    )  # 3 weeks old
    await tick(at("20/06/2026", "08:05"))  # the self-evaluation opens
    await admin.send("/thongbao_moi", "1", "Nộp báo cáo quý trước ngày 30/06", "1", "xác nhận")
    await tick(at("20/06/2026", "08:10"))

    now[0] = at("22/06/2026", "09:00")
    code = (await admin.send("/moi DEMO021")).split("/start ")[1].split()[0]
    # The console prints the pushes it sends right after the reply, as `make run` does.
    out = await Chat(app, "latecomer").send(f"/start {code}")
    pushed = [line for line in out.split("\n\n") if line.startswith("🔔 [latecomer]")]
    assert len(pushed) == 2, out  # (two pushes to one chat: in either order)
    assert any("tự đánh giá" in p for p in pushed)
    assert any("Nộp báo cáo quý trước ngày 30/06" in p for p in pushed)
    assert "đầu tháng sáu" not in out  # older than CATCH_UP_DAYS
    # Linking another account later (a Zalo one) brings nothing twice.
    code = (await admin.send("/moi DEMO021")).split("/start ")[1].split()[0]
    await app.conversation.handle(Incoming("zalo", "z21", "z21", text=f"/start {code}"))
    await tick(at("22/06/2026", "09:30"))
    async with app.sessionmaker() as session:
        official = await session.scalar(select(Official).where(Official.code == "DEMO021"))
        mine = list(
            await session.scalars(select(Delivery).where(Delivery.official_id == official.id))
        )
    assert len(mine) == 2 and recorder.to("latecomer") == []


async def test_on_a_leap_day_an_announcement_is_scheduled_and_shown_as_typed(app):
    app.conversation.clock = lambda: at("29/02/2028", "10:00")
    admin = await chat_as(app, "DEMO001")
    out = await admin.send("/thongbao_moi", "1", "Tập huấn chuyển đổi số", "05/03/2028 08:00")
    assert "• Thời gian gửi: 05/03/2028 08:00" in out
    assert "Đã lên lịch thông báo #1, gửi từ 05/03/2028 08:00" in await admin.send("1")
    out = await admin.send("/thongbao_moi", "1", "Một thông báo khác", "29/02/2029 08:00")
    assert "Chưa đúng dạng ngày giờ" in out or "Không có ngày" in out


async def test_the_same_announcement_sent_again_in_chat_is_not_queued_twice(app):
    now = [at("06/12/2026", "14:30")]
    app.conversation.clock = lambda: now[0]
    await chat_as(app, "DEMO002")
    admin = await chat_as(app, "DEMO001")
    send = ("/thongbao_moi", "1", "Họp chi bộ lúc 16 giờ", "1", "xác nhận")
    assert "Đang gửi thông báo #1 tới 2 cán bộ" in await admin.send(*send)
    now[0] = at("06/12/2026", "14:39")
    out = await admin.send(*send)
    assert "Thông báo này đã được gửi lúc 14:30 06/12/2026 (#1); không gửi lại." in out
    async with app.sessionmaker() as session:
        assert len(list(await session.scalars(select(Delivery)))) == 2
    now[0] = at("06/12/2026", "14:41")  # ten minutes on: sent again, as asked
    assert "Đang gửi thông báo #2 tới 2 cán bộ" in await admin.send(*send)


async def test_the_quiet_hours_hint_follows_the_setting(app):
    app.conversation.options = dataclasses.replace(app.conversation.options, quiet=(22, 6))
    admin = await chat_as(app, "DEMO001")
    out = await admin.send("/thongbao_moi", "1", "Nội dung thông báo")
    assert "Tin không gửi từ 22:00 đến 06:00" in out and "21:00" not in out


async def test_today_at_a_time_is_today_and_the_unlinked_are_counted(app):
    app.conversation.clock = lambda: at("06/12/2026", "14:30")
    admin = await chat_as(app, "DEMO001")
    out = await admin.send("/thongbao_moi", "1", "Họp chi bộ chiều nay", "hôm nay 17:00")
    assert "• Thời gian gửi: 06/12/2026 17:00" in out
    assert "gửi từ 06/12/2026 17:00" in await admin.send("1")
    out = await admin.send("/thongbao_moi", "1", "Họp ngay bây giờ", "1", "xác nhận")
    assert "tới 1 cán bộ" in out and "39 cán bộ trong nhóm chưa liên kết tài khoản" in out


async def test_an_official_linked_at_the_console_hears_of_the_open_evaluation(app, quarter):
    now, recorder, tick = quarter
    await tick(at("20/06/2026", "08:05"))  # the self-evaluation opens for those linked
    out = await Chat(app, "DEMO030").send("/help")  # not linked: nothing for them
    assert "🔔" not in out
    late = await chat_as(app, "DEMO030")  # `python -m bot chat --user DEMO030`
    assert "🔔 [DEMO030]" in await late.send("/toi")


async def test_a_scheduled_announcement_can_be_cancelled_and_the_quiet_hours_are_shown(app):
    app.conversation.clock = lambda: at("06/12/2026", "14:30")
    admin = await chat_as(app, "DEMO001")
    out = await admin.send("/thongbao_moi", "1", "Họp chi bộ tối nay", "hôm nay 23:00")
    assert "• Thời gian gửi: 06/12/2026 23:00 (giờ nghỉ, nên tin đi lúc 07/12/2026 07:00)" in out
    await admin.send("xác nhận")
    out = await admin.send("/thongbao")
    assert "chưa đến giờ gửi" in out and "«Họp chi bộ tối nay»" in out
    assert "2. 🗑 Hủy thông báo #1 (chưa gửi cho ai)" in out
    out = await admin.send("2")
    assert "• Hủy thông báo: #1 · hẹn gửi 06/12/2026 23:00 · «Họp chi bộ tối nay»" in out
    assert "Đã hủy thông báo #1" in await admin.send("xác nhận")
    assert "Chưa có đợt gửi nào" in await admin.send("/thongbao")


async def test_send_now_at_night_says_when_it_goes_and_can_still_be_cancelled(app):
    app.conversation.clock = lambda: at("25/06/2026", "22:30")
    for code in CODES:
        await chat_as(app, code)
    admin = await chat_as(app, "DEMO001")
    out = await admin.send("/thongbao_moi", "1", "Họp chi bộ sáng mai", "Gửi ngay")
    assert "• Thời gian gửi: Gửi ngay (giờ nghỉ, nên tin đi lúc 26/06/2026 07:00)" in out
    out = await admin.send("xác nhận")
    assert "Đã xếp thông báo #1 cho 6 cán bộ" in out and "Đang gửi" not in out
    out = await admin.send("/thongbao")
    assert "chờ hết giờ nghỉ 6" in out and "🗑 Hủy thông báo #1" in out
    assert "• Hủy thông báo: #1" in await admin.send("/thongbao_huy 1")
    assert "Đã hủy thông báo #1" in await admin.send("xác nhận")
    async with app.sessionmaker() as session:
        assert list(await session.scalars(select(Delivery))) == []
