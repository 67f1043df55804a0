"""«Thông báo» on the web desk: an admin composes, checks and sends an announcement or
schedules one, follows its progress and cancels one not sent yet, under the chat's rules
(/thongbao): the same audience, text bounds, quiet hours, audit and delivery outbox; admins
only, checked on every call."""

import dataclasses
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.channels.base import SENT, SendResult, SendStatus
from bot.delivery import Deliverer
from handlers.types import Reply
from storage.enums import DeliveryStatus, Role
from storage.models import AuditEntry, Campaign, Delivery, Official, Unit
from storage.types import utcnow
from tests.helpers.app import chat_as
from tests.helpers.desk import desk_server, set_role

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LD = ["DEMO002", "DEMO003", "DEMO004"]  # three of the six in «Lãnh đạo Đảng ủy, HĐND, UBND xã»
TEXT = "Họp giao ban toàn cơ quan lúc 14 giờ chiều nay\ntại hội trường UBND xã."


def without_quiet_hours(app: App) -> None:
    """Pushes may go at any hour (so what these tests see does not hang on the clock)."""
    app.conversation.options = dataclasses.replace(app.conversation.options, quiet=(0, 0))


def quiet_now(app: App) -> None:
    """Quiet hours around the present hour (and the next, should it turn meanwhile)."""
    hour = utcnow().astimezone(ZONE).hour
    app.conversation.options = dataclasses.replace(
        app.conversation.options, quiet=((hour - 1) % 24, (hour + 2) % 24)
    )


def tomorrow_at_ten() -> str:
    return f"{(utcnow().astimezone(ZONE) + timedelta(days=1)):%d/%m/%Y} 10:00"


async def link(app: App, *codes: str) -> None:
    for code in codes:
        await chat_as(app, code)


async def rows(app: App, model, *where) -> list:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(model).where(*where)))


async def count(app: App, model) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def recipients(app: App) -> list[str]:
    async with app.sessionmaker() as session:
        codes = await session.scalars(
            select(Official.code).join(Delivery, Delivery.official_id == Official.id)
        )
        return sorted(codes)


async def unit_id(app: App, code: str) -> int:
    async with app.sessionmaker() as session:
        return await session.scalar(select(Unit.id).where(Unit.code == code))


async def compose(page, desk, *, to: str = "all", unit: str = "", text: str = TEXT, at: str = ""):
    """Open «Thông báo», fill the form in, press «Xem lại trước khi gửi»."""
    await page.goto(f"{desk.url}/desk/thongbao")
    await page.check(f"#who-{to}")
    if unit:
        await page.select_option("#unit", label=unit)
    await page.fill("#text", text)
    await page.fill("#at", at)
    await page.click("#preview")


# -- in a real browser ---------------------------------------------------------------------


async def test_an_admin_sends_an_announcement_to_a_unit_after_checking_it(app: App):
    without_quiet_hours(app)
    await link(app, *LD, "DEMO008")  # DEMO008 is in another unit
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        desk.app.conversation.outbox.clear()
        await page.click("nav >> text=Thông báo")
        assert "Chưa có đợt gửi nào" in await page.inner_text("main")
        await compose(page, desk, to="unit", unit="Lãnh đạo Đảng ủy, HĐND, UBND xã")

        assert "Xác nhận thông báo" in await page.inner_text("h1")
        assert await page.inner_text("#message") == f"📣 Thông báo: {TEXT}"
        assert await page.inner_text("#audience") == "Lãnh đạo Đảng ủy, HĐND, UBND xã"
        reach = await page.inner_text("#reach")
        assert "3 cán bộ" in reach and "3 cán bộ trong nhóm chưa liên kết tài khoản" in reach
        assert await page.inner_text("#when") == "Gửi ngay"
        assert await count(app, Campaign) == 0, "nothing is stored before «Gửi ngay»"

        await page.click("#send")
        assert "Đang gửi thông báo #1 tới 3 cán bộ" in await page.inner_text("#notice")
        assert await page.inner_text("#campaign-1 .progress") == "đã gửi 0 · đang gửi 3"
        assert "Hủy" not in await page.inner_text("#campaign-1")

    assert await recipients(app) == LD
    deliveries = await rows(app, Delivery)
    assert {d.text for d in deliveries} == {f"📣 Thông báo: {TEXT}"}
    assert desk.app.conversation.outbox.is_set(), "the sender is woken, as from chat"
    (entry,) = await rows(app, AuditEntry, AuditEntry.action == "announcement")
    assert entry.actor == "official:DEMO001"
    # The chat's /thongbao lists it as its own.
    out = await (await chat_as(app, "DEMO001")).send("/thongbao")
    assert "#1 Thông báo" in out and "«Họp giao ban toàn cơ quan lúc 14 giờ…»" in out


async def test_the_progress_counts_show(app: App):
    without_quiet_hours(app)
    await link(app, "DEMO001", *LD)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await compose(page, desk)  # everyone: the four linked
        await page.click("#send")
        assert await page.inner_text("#campaign-1 .progress") == "đã gửi 0 · đang gửi 4"

        class Platform:  # DEMO003 has blocked the bot; the rest receive it
            name = "console"

            async def send(self, chat_id: str, reply: Reply) -> SendResult:
                return SendResult(SendStatus.BLOCKED) if chat_id == "DEMO003" else SENT

        options = desk.app.conversation.options
        platforms = {"console": Platform()}
        await Deliverer(app.sessionmaker, platforms, options, rates={"console": 1000}).run_once()
        await page.reload()
        progress = await page.inner_text("#campaign-1 .progress")
        assert progress == "đã gửi 3 · chưa liên kết hoặc đã chặn bot 1"


async def test_a_scheduled_announcement_is_shown_then_cancelled_and_never_sent(app: App):
    without_quiet_hours(app)
    await link(app, *LD)
    when = tomorrow_at_ten()
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await compose(page, desk, text="Tập huấn chuyển đổi số", at=when)
        assert await page.inner_text("#when") == when
        await page.click("#send")

        notice = await page.inner_text("#notice")
        assert f"Đã lên lịch thông báo #1, gửi lúc {when}" in notice
        row = await page.inner_text("#campaign-1")
        assert "chưa đến giờ gửi" in row and when in row and "Tập huấn chuyển đổi số" in row
        assert await count(app, Delivery) == 0

        await page.click("#campaign-1 >> text=Hủy thông báo #1")
        assert "Đã hủy thông báo #1; sẽ không gửi cho ai" in await page.inner_text("#notice")
        assert "Chưa có đợt gửi nào" in await page.inner_text("main")
    assert await count(app, Campaign) == 0 and await count(app, Delivery) == 0
    (entry,) = await rows(app, AuditEntry, AuditEntry.action == "announcement_cancelled")
    assert entry.actor == "official:DEMO001" and "Tập huấn chuyển đổi số" in entry.before["text"]


async def test_in_the_quiet_hours_it_waits_for_their_end_and_can_still_be_cancelled(app: App):
    quiet_now(app)
    await link(app, *LD)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await compose(page, desk, to="unit", unit="Lãnh đạo Đảng ủy, HĐND, UBND xã")
        when = await page.inner_text("#when")
        assert when.startswith("Gửi ngay (giờ nghỉ, nên tin đi lúc ")
        await page.click("#send")
        assert "Đang là giờ nghỉ nên tin sẽ đi lúc" in await page.inner_text("#notice")
        assert await page.inner_text("#campaign-1 .progress") == "đã gửi 0 · chờ hết giờ nghỉ 3"
        end = desk.app.conversation.options.quiet[1]
        for delivery in await rows(app, Delivery):
            assert delivery.due_at.astimezone(ZONE).hour == end
        await page.click("text=Hủy thông báo #1")
        assert "Đã hủy thông báo #1" in await page.inner_text("#notice")
    assert await count(app, Delivery) == 0


async def test_bad_text_or_time_is_refused_with_a_message_and_the_typed_text_kept(app: App):
    without_quiet_hours(app)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await compose(page, desk, to="unit", unit="Phòng Kinh tế", text="   ")
        assert await page.inner_text("#error") == "Nội dung quá ngắn."
        assert await page.is_checked("#who-unit")
        assert await page.eval_on_selector("#unit", "e => e.selectedOptions[0].text") == (
            "Phòng Kinh tế"
        )

        long = "Nội dung rất dài. " * 100  # 1,800 characters
        await compose(page, desk, text=long)
        assert "dài quá 1500 ký tự" in await page.inner_text("#error")
        assert await page.input_value("#text") == long

        yesterday = f"{(utcnow().astimezone(ZONE) - timedelta(days=1)):%d/%m/%Y} 08:00"
        await compose(page, desk, text="Họp chi bộ", at=yesterday)
        assert "Thời điểm này đã qua" in await page.inner_text("#error")
        assert await page.input_value("#text") == "Họp chi bộ"
        assert await page.input_value("#at") == yesterday

        # «Sửa lại» on the confirmation brings the form back as typed.
        await compose(page, desk, text=TEXT, at=tomorrow_at_ten())
        await page.click("#edit")
        assert await page.input_value("#text") == TEXT
        assert await page.input_value("#at") == tomorrow_at_ten()
    assert await count(app, Campaign) == 0


# -- over HTTP: refusals -------------------------------------------------------------------


def form(desk_csrf: str | None, **fields) -> dict:
    values = {"who": "all", "unit": "", "group": "", "text": TEXT, "at": ""} | fields
    return values if desk_csrf is None else values | {"csrf": desk_csrf}


async def test_without_a_session_nothing_is_shown_or_sent(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        client.cookie_jar.clear()
        async with client.get(f"{desk.url}/desk/thongbao") as response:
            assert response.status == 401
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=form(None)) as response:
            assert response.status == 401
    assert await count(app, Campaign) == 0


async def test_a_post_without_the_csrf_token_sends_nothing(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=form(None)) as response:
            assert response.status == 403 and "Biểu mẫu đã cũ" in await response.text()
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=form("forged")) as response:
            assert response.status == 403
    assert await count(app, Campaign) == 0


async def test_a_unit_admin_cannot_announce_to_another_unit_nor_their_own(app: App):
    """/thongbao is the admins' in chat; a unit admin may use the desk, not this page."""
    await set_role(app, "DEMO010", Role.UNIT_ADMIN)  # of «Ủy ban Kiểm tra Đảng ủy»
    await link(app, "DEMO001", *LD)
    async with desk_server(app) as desk:
        admin = await desk.client_login("DEMO001")
        scheduled = form(await desk.csrf(admin, "/desk/thongbao"), at=tomorrow_at_ten())
        async with admin.post(f"{desk.url}/desk/thongbao/gui", data=scheduled) as response:
            assert response.status == 200  # after the redirect
        client = await desk.client_login("DEMO010")
        async with client.get(f"{desk.url}/desk/thongbao") as response:
            text = await response.text()
            assert response.status == 403 and "Chỉ quản trị viên" in text
            assert "Họp giao ban" not in text
        token = await desk.csrf(client)
        for unit in ("LD", "UBKT"):
            data = form(token, who="unit", unit=str(await unit_id(app, unit)))
            for step in ("xem", "gui"):
                async with client.post(f"{desk.url}/desk/thongbao/{step}", data=data) as response:
                    assert response.status == 403 and "Chỉ quản trị viên" in await response.text()
        async with client.post(
            f"{desk.url}/desk/thongbao/huy", data={"csrf": token, "id": "1"}
        ) as response:
            assert response.status == 403
    assert [c.id for c in await rows(app, Campaign)] == [1], "the admin's, untouched"
    assert await count(app, Delivery) == 0


@pytest.mark.parametrize("becomes", [Role.OFFICIAL, Role.UNIT_ADMIN])
async def test_an_admin_demoted_after_the_confirmation_sends_nothing(app: App, becomes):
    await link(app, *LD)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        data = form(await desk.csrf(client, "/desk/thongbao"))
        async with client.post(f"{desk.url}/desk/thongbao/xem", data=data) as response:
            assert response.status == 200 and "Xác nhận thông báo" in await response.text()
        await set_role(app, "DEMO001", becomes)
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=data) as response:
            # An official's session ends at once; a unit admin's goes on, without this page.
            assert response.status == (401 if becomes == Role.OFFICIAL else 403)
    assert await count(app, Campaign) == 0 and await count(app, Delivery) == 0


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"text": ""}, "Nội dung quá ngắn."),
        ({"text": "Họp"}, "Nội dung quá ngắn."),
        ({"text": "x" * 1501}, "Nội dung dài quá 1500 ký tự; vui lòng rút gọn."),
        ({"who": "someone"}, "Hãy chọn gửi thông báo tới ai."),
        ({"who": "unit", "unit": ""}, "Hãy chọn đơn vị nhận thông báo."),
        ({"who": "unit", "unit": "99999"}, "Hãy chọn đơn vị nhận thông báo."),
        ({"who": "group", "group": "mayor"}, "Hãy chọn nhóm vị trí nhận thông báo."),
        ({"at": "sáng mai"}, "Chưa đúng dạng ngày giờ."),
        ({"at": "01/01/2020 08:00"}, "Thời điểm này đã qua."),
    ],
)
async def test_bad_input_is_refused_clearly_with_what_was_typed_kept(app: App, fields, refusal):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        data = form(await desk.csrf(client, "/desk/thongbao"), **fields)
        for step in ("xem", "gui"):
            async with client.post(f"{desk.url}/desk/thongbao/{step}", data=data) as response:
                page = await response.text()
                assert response.status == 400 and refusal in page
                assert f">{data['text']}</textarea>" in page
    assert await count(app, Campaign) == 0


async def test_the_longest_text_the_chat_takes_is_taken(app: App):
    without_quiet_hours(app)
    await link(app, *LD)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        data = form(await desk.csrf(client, "/desk/thongbao"), text="x" * 1500)
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=data) as response:
            assert response.status == 200 and "Đang gửi thông báo #1 tới 3 cán bộ" in (
                await response.text()
            )
    (campaign,) = await rows(app, Campaign)
    assert campaign.text == "📣 Thông báo: " + "x" * 1500


async def test_one_already_being_sent_is_not_cancelled(app: App):
    """Someone else's action, or the sender, got there first: say so, change nothing."""
    without_quiet_hours(app)
    await link(app, *LD)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        token = await desk.csrf(client, "/desk/thongbao")
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=form(token)) as response:
            assert response.status == 200
        async with app.sessionmaker() as session, session.begin():
            await session.execute(update(Delivery).values(status=DeliveryStatus.SENT, attempts=1))
        for campaign_id in ("1", "2", "abc"):
            data = {"csrf": token, "id": campaign_id}
            async with client.post(f"{desk.url}/desk/thongbao/huy", data=data) as response:
                assert response.status == 200
                assert "Không hủy được thông báo" in await response.text()
    assert await count(app, Campaign) == 1 and await count(app, Delivery) == 3


async def test_the_same_send_posted_twice_is_queued_once(app: App):
    """Back and reload after «Gửi ngay», or the form posted twice: one campaign, one set of
    deliveries; the second post is told when the first went."""
    without_quiet_hours(app)
    await link(app, *LD)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        data = form(await desk.csrf(client, "/desk/thongbao"))
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=data) as response:
            assert "Đang gửi thông báo #1 tới 3 cán bộ" in await response.text()
        async with client.post(f"{desk.url}/desk/thongbao/gui", data=data) as response:
            text = await response.text()
        (campaign,) = await rows(app, Campaign)
        sent = f"{campaign.created_at.astimezone(ZONE):%H:%M %d/%m/%Y}"
        assert f"Thông báo này đã được gửi lúc {sent} (#1); không gửi lại." in text
        assert "Đang gửi thông báo #2" not in text
        # The same text at a time, or to another audience, is another announcement.
        data = data | {"at": tomorrow_at_ten()}
        for _ in range(2):
            async with client.post(f"{desk.url}/desk/thongbao/gui", data=data) as response:
                assert response.status == 200
        lead = str(await unit_id(app, "LD"))
        async with client.post(
            f"{desk.url}/desk/thongbao/gui", data=form(data["csrf"], who="unit", unit=lead)
        ) as response:
            assert "Đang gửi thông báo #3 tới 3 cán bộ" in await response.text()
    assert [c.id for c in await rows(app, Campaign)] == [1, 2, 3]
    assert await count(app, Delivery) == 6  # #1 and #3 to the three; #2 not due yet
    assert len(await rows(app, AuditEntry, AuditEntry.action == "announcement")) == 3


async def test_sending_the_same_again_in_the_browser_is_refused(app: App):
    without_quiet_hours(app)
    await link(app, *LD)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await compose(page, desk)
        await page.click("#send")
        assert "Đang gửi thông báo #1" in await page.inner_text("#notice")
        await compose(page, desk)
        await page.click("#send")
        notice = await page.inner_text("#notice")
        assert "Thông báo này đã được gửi lúc" in notice and "(#1); không gửi lại." in notice
        assert 'id="campaign-2"' not in await page.content()
    assert await count(app, Campaign) == 1 and await count(app, Delivery) == 3
