"""Báo cáo chờ duyệt on the web desk: the pending reports with their certificate photos
(fetched from the fake Telegram and Zalo servers), approving one or several, rejecting with a
reason; the same rows, pushes and audit entries as the chat's /duyet; and the refusals (no
session, no CSRF token, another unit's report, a report someone else reviewed meanwhile)."""

import dataclasses
from datetime import date
from io import BytesIO

import aiohttp
import pytest
from PIL import Image
from pydantic import SecretStr
from sqlalchemy import select, update

from bot.app import App
from knowledge.vocabulary import CourseCategory, PoliticalTheoryLevel
from storage.enums import ReportStatus, Role
from storage.models import AuditEntry, CourseReport, Delivery, Official
from storage.repo import Repo
from tests.helpers.app import chat_as
from tests.helpers.desk import desk_server, set_role
from tests.helpers.fake_telegram import FakeTelegram

UNAVAILABLE = "Không tải được ảnh chứng chỉ"


def png(width: int, height: int, colour: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def on_platforms(app: App, telegram=None, zalo=None) -> App:
    """The app with its platform settings pointing at the fake servers."""
    changes = {}
    if telegram is not None:
        changes |= {
            "telegram_bot_token": SecretStr(FakeTelegram.token),
            "telegram_api_base": telegram.url,
        }
    if zalo is not None:
        changes |= {"zalo_api_base": zalo.url}
    return dataclasses.replace(app, settings=app.settings.model_copy(update=changes))


async def add_report(
    app: App,
    code: str,
    course: str = "Kỹ năng số cơ bản",
    category: CourseCategory = CourseCategory.DIGITAL_SELF_STUDY,
    level: str | None = None,
    **certificate,
) -> int:
    """A pending report of official `code`, as /baocao stores it; `certificate` holds the
    certificate_* columns (platform, kind, file_id, url)."""
    async with app.sessionmaker() as session, session.begin():
        official = await Repo(session).officials.by_code(code)
        report = CourseReport(
            official_id=official.id,
            category=category,
            course_name=course,
            provider="Trung tâm Chính trị huyện",
            completed_on=date(2026, 11, 20),
            hours=40,
            level=level,
            **{f"certificate_{key}": value for key, value in certificate.items()},
        )
        session.add(report)  # not repo.reports.add: a test may store a report that disagrees
        await session.flush()
        return report.id


async def report(app: App, number: int) -> CourseReport:
    async with app.sessionmaker() as session:
        return await session.get(CourseReport, number)


async def official_id(app: App, code: str) -> int:
    async with app.sessionmaker() as session:
        return (await Repo(session).officials.by_code(code)).id


async def pushes(app: App) -> dict[str, str]:
    """The outbox: key -> text."""
    async with app.sessionmaker() as session:
        return {d.key: d.text for d in await session.scalars(select(Delivery))}


async def audit(app: App, action: str) -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# -- in a browser: the acceptance ----------------------------------------------------------


async def test_an_admin_sees_the_photos_approves_one_report_and_rejects_another(
    app: App, telegram, zalo
):
    telegram.files["AgACAgQ-cert"] = telegram_photo = png(240, 160, "navy")
    zalo.files["xuan.png"] = (zalo_photo := png(200, 140, "teal"), "image/png")
    first = await add_report(
        app,
        "DEMO010",
        "Cao cấp lý luận chính trị",
        CourseCategory.POLITICAL_THEORY,
        "cao_cap",
        platform="telegram",
        kind="photo",
        file_id="AgACAgQ-cert",
    )
    second = await add_report(
        app, "DEMO011", platform="zalo", kind="photo", url=zalo.photo_url("xuan.png")
    )
    async with desk_server(on_platforms(app, telegram, zalo)) as desk:
        page = await desk.browser_login("DEMO001")
        await page.click("text=Báo cáo chờ duyệt")
        await page.wait_for_load_state("networkidle")
        assert "Báo cáo chờ duyệt" in await page.inner_text("h1")
        one = await page.inner_text(f"#bao-cao-{first}")
        assert "Hoàng Minh Tuấn (DEMO010)" in one and "Lý luận chính trị" in one
        assert "Cao cấp lý luận chính trị" in one and "20/11/2026" in one and "Cao cấp" in one
        assert "Trung tâm Chính trị huyện" in one and "40" in one
        two = await page.inner_text(f"#bao-cao-{second}")
        assert "Pờ Thị Xuân (DEMO011)" in two and "Bình dân học vụ số" in two
        assert UNAVAILABLE not in await page.inner_text("main")
        for number, photo in ((first, telegram_photo), (second, zalo_photo)):
            shown = await page.request.get(f"{desk.url}/desk/baocao/{number}/anh")
            assert shown.headers["content-type"] == "image/png"
            assert await shown.body() == photo
        box = await page.locator(f"#bao-cao-{first} object").bounding_box()
        assert box["width"] >= 200 and box["height"] >= 100, "the photo is shown on the page"

        await page.click(f"#bao-cao-{first} >> text=Duyệt báo cáo #{first}")
        assert f"Đã duyệt báo cáo #{first}." in await page.inner_text(".notice")
        assert "cập nhật trình độ" in await page.inner_text(".notice")
        assert await page.query_selector(f"#bao-cao-{first}") is None
        await page.fill(f"#bao-cao-{second} textarea[name=reason]", "Ảnh chứng nhận bị mờ")
        await page.click(f"#bao-cao-{second} >> text=Từ chối báo cáo #{second}")
        assert f"Đã từ chối báo cáo #{second}." in await page.inner_text(".notice")
        assert "Không có báo cáo nào đang chờ duyệt" in await page.inner_text("main")

    admin = await official_id(app, "DEMO001")
    verified, rejected = await report(app, first), await report(app, second)
    assert (verified.status, verified.reviewed_by_id) == (ReportStatus.VERIFIED, admin)
    assert (rejected.status, rejected.reviewed_by_id) == (ReportStatus.REJECTED, admin)
    assert rejected.review_note == "Ảnh chứng nhận bị mờ"
    async with app.sessionmaker() as session:
        tuan = await Repo(session).officials.by_code("DEMO010")
        assert tuan.political_theory_level == PoliticalTheoryLevel.CAO_CAP
    sent = await pushes(app)
    assert sent[f"report-reviewed:{first}"].startswith(f"✅ Báo cáo #{first} «Cao cấp lý luận")
    assert "cập nhật trình độ: Cao cấp" in sent[f"report-reviewed:{first}"]
    assert f"❌ Báo cáo #{second} «Kỹ năng số cơ bản»" in sent[f"report-reviewed:{second}"]
    assert "Lý do: Ảnh chứng nhận bị mờ" in sent[f"report-reviewed:{second}"]
    for action, number in (("report_verified", first), ("report_rejected", second)):
        (entry,) = await audit(app, action)
        assert (entry.actor, entry.entity_id) == ("official:DEMO001", str(number))
    assert (await audit(app, "official_level_raised"))[0].actor == "official:DEMO001"
    assert await audit(app, "read_pending_reports")
    assert {e.entity_id for e in await audit(app, "read_certificate")} >= {
        str(first),
        str(second),
    }


async def test_a_certificate_sent_as_a_pdf_is_linked_and_opens_as_a_pdf(app: App, telegram):
    telegram.files["BQACAgQ-cert"] = pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    number = await add_report(
        app, "DEMO010", platform="telegram", kind="document", file_id="BQACAgQ-cert"
    )
    async with desk_server(on_platforms(app, telegram)) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/baocao")
        await page.wait_for_load_state("networkidle")
        shown = await page.inner_text(f"#bao-cao-{number}")
        assert "Mở giấy chứng nhận (PDF)" in shown and UNAVAILABLE not in shown
        assert await page.query_selector(f"#bao-cao-{number} object") is None
        link = page.locator(f"#bao-cao-{number} >> text=Mở giấy chứng nhận (PDF)")
        opened = await page.request.get(desk.url + await link.get_attribute("href"))
        assert opened.status == 200 and await opened.body() == pdf
        assert opened.headers["content-type"] == "application/pdf"
        assert opened.headers["content-disposition"].startswith("inline")
    assert str(number) in {e.entity_id for e in await audit(app, "read_certificate")}


async def test_a_certificate_neither_image_nor_pdf_is_said_on_a_page(app: App, telegram):
    telegram.files["BQACAgQ-doc"] = b"PK\x03\x04 a word document"
    number = await add_report(
        app, "DEMO010", platform="telegram", kind="document", file_id="BQACAgQ-doc"
    )
    async with desk_server(on_platforms(app, telegram)) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/baocao/{number}/anh")
        assert "Giấy chứng nhận" in await page.inner_text("h1")
        assert "không phải ảnh hay tệp PDF" in await page.inner_text("main")
        client = await desk.client_login("DEMO001")
        async with client.get(f"{desk.url}/desk/baocao/{number}/anh") as response:
            assert response.status == 502 and response.content_type == "text/html"


async def test_several_reports_are_approved_in_one_go(app: App):
    numbers = [await add_report(app, code) for code in ("DEMO010", "DEMO011", "DEMO012")]
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/baocao")
        await page.check(f"#bao-cao-{numbers[0]} input[type=checkbox]")
        await page.check(f"#bao-cao-{numbers[2]} input[type=checkbox]")
        await page.click("#bulk button")
        notice = await page.inner_text(".notice")
        assert f"Đã duyệt báo cáo #{numbers[0]}, báo cáo #{numbers[2]}." in notice
        assert await page.query_selector(f"#bao-cao-{numbers[1]}") is not None
    states = [(await report(app, n)).status for n in numbers]
    assert states == [ReportStatus.VERIFIED, ReportStatus.PENDING, ReportStatus.VERIFIED]
    assert set(await pushes(app)) == {f"report-reviewed:{numbers[i]}" for i in (0, 2)}


async def test_approving_with_no_box_ticked_says_so(app: App):
    number = await add_report(app, "DEMO010")
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/baocao")
        await page.click("#bulk button")
        assert "Bạn chưa chọn báo cáo nào" in await page.inner_text("main")
    assert (await report(app, number)).status == ReportStatus.PENDING


@pytest.mark.parametrize("why", ["platform down", "no token", "not an image nor a PDF"])
async def test_a_photo_that_cannot_be_fetched_says_so_and_the_review_still_works(
    app: App, telegram, why
):
    telegram.files["AgACAgQ-cert"] = (
        b"PK\x03\x04 not a photo" if why == "not an image nor a PDF" else png(120, 80, "red")
    )
    if why == "platform down":
        telegram.fail("getFile", 502, 502, 502)
    number = await add_report(
        app, "DEMO010", platform="telegram", kind="photo", file_id="AgACAgQ-cert"
    )
    configured = app if why == "no token" else on_platforms(app, telegram)
    async with desk_server(configured) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(f"{desk.url}/desk/baocao")
        await page.wait_for_load_state("networkidle")
        assert UNAVAILABLE in await page.inner_text(f"#bao-cao-{number}")
        await page.click(f"text=Duyệt báo cáo #{number}")
        assert f"Đã duyệt báo cáo #{number}." in await page.inner_text(".notice")
    assert (await report(app, number)).status == ReportStatus.VERIFIED


async def test_a_rejection_needs_a_reason_of_a_few_words_and_at_most_500_characters(app: App):
    number = await add_report(app, "DEMO010")
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/baocao")
        for reason, problem in (("  x ", "ghi rõ lý do"), ("Ảnh mờ. " * 70, "quá giới hạn 500")):
            form = {"csrf": csrf, "report": str(number), "reason": reason}
            async with client.post(f"{desk.url}/desk/baocao/tuchoi", data=form) as response:
                text = await response.text()
                assert response.status == 400 and problem in text
                assert f"Chưa từ chối báo cáo #{number}" in text
        form = {"csrf": csrf, "report": str(number), "reason": "Thiếu\u200b ảnh\u202e "}
        async with client.post(f"{desk.url}/desk/baocao/tuchoi", data=form) as response:
            assert f"Đã từ chối báo cáo #{number}." in await response.text()
    assert (await report(app, number)).review_note == "Thiếu ảnh"


async def test_a_report_that_disagrees_with_itself_can_only_be_rejected(app: App):
    number = await add_report(app, "DEMO010", level="thac_si")  # no level for self-study
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(f"{desk.url}/desk/baocao") as response:
            text = await response.text()
            assert "thông tin không khớp" in text and f"Duyệt báo cáo #{number}" not in text
        csrf = await desk.csrf(client, "/desk/baocao")
        form = {"csrf": csrf, "report": str(number)}
        async with client.post(f"{desk.url}/desk/baocao/duyet", data=form) as response:
            assert f"Không duyệt được báo cáo #{number}" in await response.text()
    assert (await report(app, number)).status == ReportStatus.PENDING
    assert await pushes(app) == {}


# -- refusals ------------------------------------------------------------------------------


async def test_nothing_without_a_session(app: App, zalo):
    zalo.files["a.png"] = (png(50, 50, "red"), "image/png")
    number = await add_report(app, "DEMO010", platform="zalo", url=zalo.photo_url("a.png"))
    async with desk_server(on_platforms(app, zalo=zalo)) as desk, aiohttp.ClientSession() as raw:
        for method, path in (
            ("GET", "/desk/baocao"),
            ("GET", f"/desk/baocao/{number}/anh"),
            ("POST", "/desk/baocao/duyet"),
        ):
            async with raw.request(method, desk.url + path, data={"report": number}) as r:
                assert r.status == 401 and "Bạn chưa đăng nhập" in await r.text()
    assert (await report(app, number)).status == ReportStatus.PENDING


async def test_without_the_csrf_token_nothing_changes(app: App):
    number = await add_report(app, "DEMO010")
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        for path, form in (
            ("duyet", {"report": str(number)}),
            ("tuchoi", {"report": str(number), "reason": "Ảnh mờ quá"}),
            ("duyet", {"report": str(number), "csrf": "forged"}),
        ):
            async with client.post(f"{desk.url}/desk/baocao/{path}", data=form) as response:
                assert response.status == 403 and "Biểu mẫu đã cũ" in await response.text()
    assert (await report(app, number)).status == ReportStatus.PENDING
    assert await pushes(app) == {} and await audit(app, "report_verified") == []


async def test_a_unit_admin_sees_and_reviews_their_own_unit_only(app: App, zalo):
    """DEMO010 and DEMO011 are in UBKT; DEMO014 in PKT."""
    zalo.files["lam.png"] = (png(60, 60, "red"), "image/png")
    await set_role(app, "DEMO011", Role.UNIT_ADMIN)
    own = await add_report(app, "DEMO010")
    other = await add_report(app, "DEMO014", platform="zalo", url=zalo.photo_url("lam.png"))
    async with desk_server(on_platforms(app, zalo=zalo)) as desk:
        client = await desk.client_login("DEMO011")
        async with client.get(f"{desk.url}/desk/baocao") as response:
            text = await response.text()
            assert f'id="bao-cao-{own}"' in text and "Hoàng Minh Tuấn" in text
            assert f'id="bao-cao-{other}"' not in text and "Vũ Đức Thắng" not in text
        async with client.get(f"{desk.url}/desk/baocao/{other}/anh") as response:
            assert response.status == 404 and not response.content_type.startswith("image/")
        csrf = await desk.csrf(client, "/desk/baocao")
        attempts = (
            ("duyet", {"report": [str(other), str(own)]}),
            ("tuchoi", {"report": str(other), "reason": "Không đúng khóa học"}),
        )
        for path, form in attempts:
            data = [("csrf", csrf)] + [
                (key, value)
                for key, values in form.items()
                for value in (values if isinstance(values, list) else [values])
            ]
            async with client.post(f"{desk.url}/desk/baocao/{path}", data=data) as response:
                text = await response.text()
                assert f"Báo cáo #{other} là của cán bộ đơn vị khác" in text
                assert "Không thay đổi gì" in text
    assert (await report(app, other)).status == ReportStatus.PENDING
    assert (await report(app, own)).status == ReportStatus.VERIFIED  # the one in their unit
    assert set(await pushes(app)) == {f"report-reviewed:{own}"}
    assert {e.entity_id for e in await audit(app, "read_certificate")} == set()


async def test_a_unit_admin_with_no_unit_sees_no_report(app: App):
    await add_report(app, "DEMO010")
    await set_role(app, "DEMO011", Role.UNIT_ADMIN)
    async with app.sessionmaker() as session, session.begin():
        await session.execute(
            update(Official).where(Official.code == "DEMO011").values(unit_id=None)
        )
    jar = aiohttp.CookieJar(unsafe=True)  # cookies of 127.0.0.1
    async with desk_server(app) as desk, aiohttp.ClientSession(cookie_jar=jar) as client:
        link = await desk.link("DEMO011", "/desk/baocao")
        async with client.post(link) as response:  # logging in opens Báo cáo chờ duyệt
            text = await response.text()
            assert response.status == 403 and "chưa gắn với đơn vị" in text
            assert "Hoàng Minh Tuấn" not in text


@pytest.mark.parametrize("meanwhile", ["rejected in chat", "withdrawn"])
async def test_a_stale_form_changes_nothing_and_says_so(app: App, meanwhile):
    number = await add_report(app, "DEMO010")
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/baocao")  # the page, with the report pending
        if meanwhile == "withdrawn":
            async with app.sessionmaker() as session, session.begin():
                await session.execute(
                    update(CourseReport)
                    .where(CourseReport.id == number)
                    .values(status=ReportStatus.WITHDRAWN)
                )
            said = f"Báo cáo #{number}: ↩️ đã rút; không cần duyệt nữa."
        else:
            await set_role(app, "DEMO009", Role.ADMIN)
            chat = await chat_as(app, "DEMO009")
            assert "Đã từ chối" in await chat.send(f"/tuchoi {number}", "Sai ngày hoàn thành", "1")
            said = f"Báo cáo #{number}: ❌ bị từ chối (Vàng A Chứ); không cần duyệt nữa."
        before = await report(app, number)
        entries, sent = len(await audit(app, "report_rejected")), await pushes(app)
        for path, form in (
            ("duyet", {"csrf": csrf, "report": str(number)}),
            ("tuchoi", {"csrf": csrf, "report": str(number), "reason": "Ảnh mờ quá"}),
        ):
            async with client.post(f"{desk.url}/desk/baocao/{path}", data=form) as response:
                text = await response.text()
                assert "Không thay đổi gì" in text and said in text
                assert "Đã duyệt" not in text and "Đã từ chối" not in text
    after = await report(app, number)
    assert (after.status, after.reviewed_by_id, after.review_note) == (
        before.status,
        before.reviewed_by_id,
        before.review_note,
    )
    assert len(await audit(app, "report_rejected")) == entries and await pushes(app) == sent
    assert await audit(app, "report_verified") == []


async def test_a_demoted_admin_is_refused_mid_session(app: App):
    number = await add_report(app, "DEMO010")
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        csrf = await desk.csrf(client, "/desk/baocao")
        await set_role(app, "DEMO001", Role.OFFICIAL)
        form = {"csrf": csrf, "report": str(number)}
        async with client.post(f"{desk.url}/desk/baocao/duyet", data=form) as response:
            assert response.status == 401
    assert (await report(app, number)).status == ReportStatus.PENDING


async def test_a_photo_address_inside_the_servers_network_is_not_fetched(app: App, zalo):
    """A forged update's `photo_url` must not make the desk fetch the server's own pages."""
    async with desk_server(on_platforms(app, zalo=zalo)) as desk:
        inside = await add_report(app, "DEMO010", platform="zalo", url=f"{desk.url}/desk/")
        private = await add_report(app, "DEMO011", platform="zalo", url="http://10.1.2.3/a.png")
        zalo.files["page.html"] = (b"<html><script>alert(1)</script></html>", "image/png")
        html = await add_report(app, "DEMO012", platform="zalo", url=zalo.photo_url("page.html"))
        client = await desk.client_login("DEMO001")
        for number, said in (
            (inside, UNAVAILABLE),
            (private, UNAVAILABLE),
            (html, "không phải ảnh hay tệp PDF"),
        ):
            async with client.get(f"{desk.url}/desk/baocao/{number}/anh") as response:
                assert response.status == 502 and said in await response.text()
                assert response.content_type == "text/html"  # a desk page, in Vietnamese
                assert "<script>alert(1)" not in await response.text()


async def test_nobody_reviews_their_own_report(app: App):
    """DEMO011, unit admin of UBKT, sees their own report listed, marked for another admin,
    with no button; a forged approval or rejection is refused and changes nothing."""
    await set_role(app, "DEMO011", Role.UNIT_ADMIN)
    own = await add_report(app, "DEMO011")
    colleague = await add_report(app, "DEMO010")
    refusal = "Bạn không tự duyệt báo cáo của mình được; hãy nhờ quản trị viên khác."
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO011")
        await page.goto(f"{desk.url}/desk/baocao")
        card = await page.inner_text(f"#bao-cao-{own}")
        assert "Đây là báo cáo của chính bạn: cần một quản trị viên khác duyệt." in card
        assert await page.query_selector(f"#bao-cao-{own} button") is None
        assert await page.query_selector(f"#bao-cao-{own} input[type=checkbox]") is None
        await page.check(f"#bao-cao-{colleague} input[type=checkbox]")
        await page.click("#bulk button")
        assert f"Đã duyệt báo cáo #{colleague}." in await page.inner_text(".notice")

        client = await desk.client_login("DEMO011")
        csrf = await desk.csrf(client, "/desk/baocao")
        for path, form in (
            ("duyet", {"report": str(own)}),
            ("tuchoi", {"report": str(own), "reason": "Tự từ chối thử"}),
        ):
            data = {"csrf": csrf, **form}
            async with client.post(f"{desk.url}/desk/baocao/{path}", data=data) as response:
                text = await response.text()
                assert refusal in text and "Không thay đổi gì" in text
    assert (await report(app, own)).status == ReportStatus.PENDING
    assert set(await pushes(app)) == {f"report-reviewed:{colleague}"}
    assert [e.entity_id for e in await audit(app, "report_verified")] == [str(colleague)]
    assert await audit(app, "report_rejected") == []
    # Another admin reviews it.
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        data = {"csrf": await desk.csrf(client, "/desk/baocao"), "report": str(own)}
        async with client.post(f"{desk.url}/desk/baocao/duyet", data=data) as response:
            assert f"Đã duyệt báo cáo #{own}." in await response.text()
    assert (await report(app, own)).status == ReportStatus.VERIFIED
