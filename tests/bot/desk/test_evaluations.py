"""The desk's «Đánh giá» page: a period's self-evaluations, confirmed several at once at the
proposed rating, one adjusted with a reason, the «xuất sắc» share warning; the same rules,
audit entries and pushes as the chat's /xacnhan. Refused: without a session, without the CSRF
token, another unit's rows for a unit admin, rows changed since the page was shown, a period
that does not exist or has not opened."""

import re

import pytest
from sqlalchemy import select, update

from bot.app import App
from handlers.periods import current_period
from handlers.services.evaluation_review import state_of
from knowledge.vocabulary import Rating
from storage.enums import EvaluationStatus, Role
from storage.models import AuditEntry, Delivery, Evaluation, Official
from storage.repo import Repo
from storage.types import utcnow
from tests.helpers.app import chat_as
from tests.helpers.desk import desk_server, set_role

# A period long past whatever day the tests run on, so the desk (on the real clock) shows it.
PERIOD = "2024Q3"
LIST = f"/desk/danhgia?quarter={PERIOD}"
PICK = re.compile(r'name="pick" value="([^"]+)"')
# DEMO010, DEMO011, DEMO024: Ủy ban Kiểm tra Đảng ủy (UBKT); DEMO012: Văn phòng HĐND và UBND.
UBKT = "Ủy ban Kiểm tra Đảng ủy"


async def submitted(
    app: App, code: str, proposed: Rating, period: str = PERIOD, **fields
) -> Evaluation:
    """A self-evaluation as /danhgia stores it, waiting for a leader."""
    async with app.sessionmaker() as session, session.begin():
        repo = Repo(session)
        official = await repo.officials.by_code(code)
        values = dict(
            general_points=27,
            tasks_assigned=10,
            tasks_completed=11,
            tasks_on_time=11,
            tasks_quality=11,
            task_points=70,
            total_points=97,
            strengths="Chủ động, đúng hạn",
            shortcomings="Không",
        )
        evaluation = Evaluation(
            official_id=official.id, period=period, proposed_rating=proposed, **values | fields
        )
        return await repo.evaluations.save(evaluation)


async def stored(app: App, evaluation_id: int) -> Evaluation:
    async with app.sessionmaker() as session:
        return await Repo(session).evaluations.get(evaluation_id)


async def pushes(app: App) -> dict[str, str]:
    """Queued pushes by the official's code."""
    async with app.sessionmaker() as session:
        rows = await session.execute(
            select(Official.code, Delivery.text).join(Official, Official.id == Delivery.official_id)
        )
        return dict(rows.all())


async def audit(app: App, action: str = "evaluation_confirmed") -> list[AuditEntry]:
    async with app.sessionmaker() as session:
        return list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


async def nothing_confirmed(app: App, *evaluations: Evaluation) -> bool:
    for evaluation in evaluations:
        now = await stored(app, evaluation.id)
        if now.status != EvaluationStatus.SUBMITTED or now.confirmed_rating is not None:
            return False
    return not await pushes(app) and not await audit(app)


# -- in a real browser -----------------------------------------------------------------------


async def test_an_admin_confirms_several_evaluations_at_once(app: App):
    tuan = await submitted(app, "DEMO010", Rating.TOT)
    trang = await submitted(app, "DEMO012", Rating.HOAN_THANH)
    xuan = await submitted(app, "DEMO011", Rating.TOT)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.click("nav >> text=Đánh giá")
        await page.select_option("select[name=quarter]", PERIOD)
        await page.click("form.filters button")
        assert "quý III/2024" in await page.inner_text("h1")
        table = await page.inner_text("#evaluations")
        assert "Hoàng Minh Tuấn" in table and "Lê Thị Thu Trang" in table
        assert "Chờ xác nhận" in await page.inner_text(f"#row-{tuan.id}")
        await page.check(f"#row-{tuan.id} input[name=pick]")
        await page.check(f"#row-{trang.id} input[name=pick]")
        await page.click("#confirm-chosen")
        assert "Đã xác nhận 2 bản tự đánh giá theo mức cán bộ đề xuất" in await page.inner_text(
            "#notice"
        )
        assert "Đã xác nhận: Hoàn thành tốt nhiệm vụ" in await page.inner_text(f"#row-{tuan.id}")
        assert "Đã xác nhận: Hoàn thành nhiệm vụ" in await page.inner_text(f"#row-{trang.id}")
        assert "Chờ xác nhận" in await page.inner_text(f"#row-{xuan.id}")

    for evaluation, rating in ((tuan, Rating.TOT), (trang, Rating.HOAN_THANH)):
        now = await stored(app, evaluation.id)
        assert (now.status, now.confirmed_rating) == (EvaluationStatus.CONFIRMED, rating)
        assert now.review_comment is None and now.reviewer_id is not None
    assert (await stored(app, xuan.id)).status == EvaluationStatus.SUBMITTED
    told = await pushes(app)
    assert set(told) == {"DEMO010", "DEMO012"}
    assert told["DEMO010"] == (
        "📋 Lãnh đạo đã xác nhận xếp loại quý III/2024 của bạn: Hoàn thành tốt nhiệm vụ."
    )
    entries = await audit(app)
    assert {e.entity_id for e in entries} == {str(tuan.id), str(trang.id)}
    assert {e.actor for e in entries} == {"official:DEMO001"}
    assert entries[0].before == {"rating": "tot", "status": "submitted"}
    assert {e.after["status"] for e in entries} == {"confirmed"}
    assert await audit(app, "read_evaluations"), "the list names officials: its reading is audited"


async def test_confirm_all_takes_every_row_waiting_and_leaves_the_confirmed_alone(app: App):
    waiting = [await submitted(app, code, Rating.TOT) for code in ("DEMO010", "DEMO012")]
    done = await submitted(app, "DEMO013", Rating.TOT)
    async with app.sessionmaker() as session, session.begin():
        await session.execute(
            update(Evaluation)
            .where(Evaluation.id == done.id)
            .values(status=EvaluationStatus.CONFIRMED, confirmed_rating=Rating.HOAN_THANH)
        )
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(desk.url + LIST)
        assert "2 bản chờ xác nhận" in await page.inner_text("#confirm-all")
        await page.click("#confirm-all")
        assert "Đã xác nhận 2 bản" in await page.inner_text("#notice")
        assert await page.query_selector("#confirm-all") is None  # nothing left waiting
    for evaluation in waiting:
        assert (await stored(app, evaluation.id)).confirmed_rating == Rating.TOT
    assert (await stored(app, done.id)).confirmed_rating == Rating.HOAN_THANH
    assert set(await pushes(app)) == {"DEMO010", "DEMO012"}


async def test_an_admin_adjusts_one_rating_with_a_reason(app: App):
    xuan = await submitted(app, "DEMO011", Rating.XUAT_SAC)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(desk.url + LIST)
        await page.click(f"#row-{xuan.id} >> text=Xem, điều chỉnh")
        assert "Pờ Thị Xuân · quý III/2024" in await page.inner_text("h1")
        card = await page.inner_text("#card")
        assert "97/100 (tiêu chí chung 27 + nhiệm vụ 70)" in card
        assert "hoàn thành 11/10, 11 đúng hạn, 11 đạt chất lượng" in card
        # Another rating without a reason: refused, as /xacnhan refuses it.
        await page.select_option("#rating", "tot")
        await page.click("#confirm-one")
        assert "Vui lòng ghi rõ lý do điều chỉnh" in await page.inner_text("#error")
        assert await page.input_value("#rating") == "tot"  # what was chosen is kept
        assert await nothing_confirmed(app, xuan)
        await page.fill("#comment", "Chưa có sản phẩm vượt trội so với đơn vị")
        await page.click("#confirm-one")
        notice = await page.inner_text("#notice")
        assert "Đã xác nhận xếp loại Pờ Thị Xuân: Hoàn thành tốt nhiệm vụ" in notice
        assert "Đã xác nhận: Hoàn thành tốt nhiệm vụ (điều chỉnh)" in await page.inner_text(
            f"#row-{xuan.id}"
        )
    now = await stored(app, xuan.id)
    assert (now.status, now.confirmed_rating) == (EvaluationStatus.CONFIRMED, Rating.TOT)
    assert now.review_comment == "Chưa có sản phẩm vượt trội so với đơn vị"
    assert (await pushes(app))["DEMO011"] == (
        "📋 Lãnh đạo đã xác nhận xếp loại quý III/2024 của bạn: Hoàn thành tốt nhiệm vụ.\n"
        "Mức bạn tự đề xuất: Hoàn thành xuất sắc nhiệm vụ. Lý do điều chỉnh: Chưa có sản phẩm "
        "vượt trội so với đơn vị"
    )
    (entry,) = await audit(app)
    assert entry.before == {"rating": "xuat_sac", "status": "submitted"}
    assert entry.after == {"rating": "tot", "status": "confirmed"}


async def test_the_share_warning_shows_before_and_after_confirming(app: App):
    tuan = await submitted(app, "DEMO010", Rating.TOT)
    xuan = await submitted(app, "DEMO011", Rating.XUAT_SAC)
    await submitted(app, "DEMO024", Rating.XUAT_SAC)
    await submitted(app, "DEMO012", Rating.XUAT_SAC)  # alone in its unit: 1 > 20% of 0 «tốt»
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(desk.url + LIST + "&unit=UBKT")
        before = await page.inner_text("#share-warning")
        assert f"⚠️ {UBKT}: 2 «xuất sắc» so với 1 «tốt», vượt 20% số «tốt»." in before
        assert "Văn phòng HĐND" not in before  # only the unit shown
        await page.check(f"#row-{tuan.id} input[name=pick]")
        await page.check(f"#row-{xuan.id} input[name=pick]")
        await page.click("#confirm-chosen")
        assert "Đã xác nhận 2 bản" in await page.inner_text("#notice")
        after = await page.inner_text("#share-warning")
        assert f"⚠️ {UBKT}: 2 «xuất sắc» so với 1 «tốt»" in after
        # Adjusting one «xuất sắc» down: 1 against 2 «tốt», still over 20%, shown at once.
        await page.click(f"#row-{xuan.id} >> text=Xem, điều chỉnh")
        assert f"{UBKT}: 2 «xuất sắc»" in await page.inner_text("#share-warning")
        await page.select_option("#rating", "tot")
        await page.fill("#comment", "Chưa đủ tỷ lệ xuất sắc của đơn vị")
        await page.click("#confirm-one")
        assert f"⚠️ {UBKT}: 1 «xuất sắc» so với 2 «tốt»" in await page.inner_text("#share-warning")
        await page.goto(desk.url + LIST)  # the whole commune: every unit over its share
        assert "Văn phòng HĐND và UBND: 1 «xuất sắc» so với 0 «tốt»" in await page.inner_text(
            "#share-warning"
        )


async def test_the_desk_confirms_what_the_chat_submitted_and_the_chat_sees_it(app: App):
    """One rule for both: submitted by /danhgia in chat, confirmed on the desk; the chat's
    /xemdanhgia shows it confirmed and the official cannot resubmit."""
    from datetime import datetime, timezone

    from tests.handlers.features.test_evaluation import ANSWERS

    app.conversation.clock = lambda: datetime(2024, 9, 25, 3, 0, tzinfo=timezone.utc)
    official = await chat_as(app, "DEMO010")
    assert "✅ Đã nhận bản tự đánh giá quý III/2024" in await official.send(
        "/danhgia", *ANSWERS, "1", "xác nhận"
    )
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO001")
        await page.goto(desk.url + LIST)
        assert "93,5" in await page.inner_text("#evaluations")
        await page.click("#confirm-all")
        assert "Đã xác nhận 1 bản" in await page.inner_text("#notice")
    admin = await chat_as(app, "DEMO001")
    assert "Hoàng Minh Tuấn · 93,5 điểm · Hoàn thành tốt nhiệm vụ · ✅ đã xác nhận" in (
        await admin.send(f"/xemdanhgia {PERIOD}")
    )
    assert "đã được lãnh đạo xác nhận" in await official.send("/danhgia")


# -- refusals, over plain HTTP ---------------------------------------------------------------


async def test_without_a_session_nothing_is_shown_or_changed(app: App):
    evaluation = await submitted(app, "DEMO010", Rating.TOT)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        token = PICK.search(await (await client.get(desk.url + LIST)).text()).group(1)
        client.cookie_jar.clear()
        async with client.get(desk.url + LIST) as response:
            assert response.status == 401 and "Hoàng Minh Tuấn" not in await response.text()
        async with client.get(f"{desk.url}/desk/danhgia/{evaluation.id}") as response:
            assert response.status == 401
        async with client.post(desk.url + "/desk/danhgia", data={"pick": token}) as response:
            assert response.status == 401
    assert await nothing_confirmed(app, evaluation)


async def test_without_the_csrf_token_nothing_changes(app: App):
    evaluation = await submitted(app, "DEMO010", Rating.TOT)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        token = PICK.search(await (await client.get(desk.url + LIST)).text()).group(1)
        for path, data in (
            ("/desk/danhgia", {"pick": token, "action": "chosen"}),
            ("/desk/danhgia", {"row": token, "action": "all", "csrf": "forged"}),
            (
                f"/desk/danhgia/{evaluation.id}",
                {"rating": "tot", "shown": token.split(":")[1], "comment": "Đồng ý"},
            ),
        ):
            async with client.post(desk.url + path, data=data) as response:
                assert response.status == 403 and "Biểu mẫu đã cũ" in await response.text()
    assert await nothing_confirmed(app, evaluation)


async def test_a_unit_admin_sees_and_confirms_their_own_unit_only(app: App):
    await set_role(app, "DEMO011", Role.UNIT_ADMIN)  # Ủy ban Kiểm tra Đảng ủy
    own = await submitted(app, "DEMO010", Rating.TOT)
    other = await submitted(app, "DEMO012", Rating.TOT)  # Văn phòng HĐND và UBND
    async with desk_server(app) as desk:
        admin = await desk.client_login("DEMO001")
        other_token = PICK.search(
            await (await admin.get(f"{desk.url}{LIST}&unit=VPUB")).text()
        ).group(1)
        client = await desk.client_login("DEMO011")
        async with client.get(desk.url + LIST) as response:
            text = await response.text()
            assert "Hoàng Minh Tuấn" in text and "Lê Thị Thu Trang" not in text
            assert "Toàn xã" not in text
            own_token = PICK.search(text).group(1)
        async with client.get(f"{desk.url}{LIST}&unit=VPUB") as response:
            text = await response.text()
            assert response.status == 403 and "chỉ xem và xác nhận được" in text
            assert "Lê Thị Thu Trang" not in text
        for path in (f"/desk/danhgia/{other.id}", f"/desk/danhgia/{other.id}?unit=VPUB"):
            async with client.get(desk.url + path) as response:
                assert response.status == 404 and "Lê Thị Thu Trang" not in await response.text()
        csrf = await desk.csrf(client, LIST)
        # Another unit's row, with the state a full admin's page shows: refused, by itself.
        form = {"csrf": csrf, "action": "chosen", "quarter": PERIOD}
        data = [*form.items(), ("pick", other_token), ("pick", own_token)]
        async with client.post(desk.url + "/desk/danhgia", data=data) as response:
            text = await response.text()
            assert "Đã xác nhận 1 bản" in text
            assert "1 bản không tìm thấy hoặc không thuộc đơn vị của bạn" in text
        data = {"csrf": csrf, "rating": "hoan_thanh", "comment": "Vì sao cũng được"}
        data["shown"] = other_token.split(":")[1]
        async with client.post(f"{desk.url}/desk/danhgia/{other.id}", data=data) as response:
            assert response.status == 404
    assert (await stored(app, own.id)).confirmed_rating == Rating.TOT
    untouched = await stored(app, other.id)
    assert untouched.status == EvaluationStatus.SUBMITTED and untouched.confirmed_rating is None
    assert set(await pushes(app)) == {"DEMO010"}


async def test_a_unit_admin_without_a_unit_sees_no_ones_evaluation(app: App):
    evaluation = await submitted(app, "DEMO010", Rating.TOT)
    await set_role(app, "DEMO011", Role.UNIT_ADMIN)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO011")
        token = PICK.search(await (await client.get(desk.url + LIST)).text()).group(1)
        csrf = await desk.csrf(client, LIST)
        async with app.sessionmaker() as session, session.begin():  # a roster without «Đơn vị»
            await session.execute(
                update(Official).where(Official.code == "DEMO011").values(unit_id=None)
            )
        async with client.get(desk.url + LIST) as response:
            text = await response.text()
            assert response.status == 403 and "chưa gắn với đơn vị nào" in text
            assert "Hoàng Minh Tuấn" not in text
        async with client.get(f"{desk.url}/desk/danhgia/{evaluation.id}") as response:
            assert response.status == 404
        data = {"csrf": csrf, "pick": token, "action": "chosen"}
        async with client.post(desk.url + "/desk/danhgia", data=data) as response:
            assert response.status == 403 and "chưa gắn với đơn vị nào" in await response.text()
    assert await nothing_confirmed(app, evaluation)


async def test_rows_changed_since_the_page_was_shown_are_refused_by_themselves(app: App):
    confirmed_meanwhile = await submitted(app, "DEMO010", Rating.TOT)
    resubmitted = await submitted(app, "DEMO012", Rating.TOT)
    untouched = await submitted(app, "DEMO013", Rating.TOT)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(desk.url + LIST) as response:
            tokens = PICK.findall(await response.text())
        csrf = await desk.csrf(client, LIST)
        # Meanwhile another admin confirms one (in chat), and an official resubmits another.
        other = await chat_as(app, "DEMO001")
        await other.send(f"/xacnhan {confirmed_meanwhile.id}", "Hoàn thành nhiệm vụ", "Chậm")
        assert "Đã xác nhận xếp loại Hoàng Minh Tuấn" in await other.send("1")
        async with app.sessionmaker() as session, session.begin():
            await session.execute(
                update(Evaluation)
                .where(Evaluation.id == resubmitted.id)
                .values(proposed_rating=Rating.XUAT_SAC, submitted_at=utcnow())
            )
        data = [("csrf", csrf), ("action", "all"), ("quarter", PERIOD)]
        data += [("row", token) for token in tokens]
        async with client.post(desk.url + "/desk/danhgia", data=data) as response:
            text = await response.text()
        assert "Đã xác nhận 1 bản" in text
        assert "Chưa xác nhận 2 bản vì đã thay đổi từ khi bạn mở trang" in text
        assert (
            "Hoàng Minh Tuấn: đã được xác nhận (Hoàn thành nhiệm vụ) trong lúc bạn xem trang"
        ) in text
        assert "Lê Thị Thu Trang: cán bộ vừa nộp lại bản tự đánh giá" in text
        # The adjust form of a row confirmed meanwhile: refused too.
        state = tokens[0].split(":")[1]
        data = {"csrf": csrf, "rating": "tot", "comment": "", "shown": state}
        async with client.post(
            f"{desk.url}/desk/danhgia/{confirmed_meanwhile.id}", data=data
        ) as response:
            assert "đã thay đổi từ khi bạn mở trang" in await response.text()
    first = await stored(app, confirmed_meanwhile.id)
    assert first.confirmed_rating == Rating.HOAN_THANH and first.review_comment == "Chậm"
    second = await stored(app, resubmitted.id)
    assert second.status == EvaluationStatus.SUBMITTED and second.confirmed_rating is None
    assert (await stored(app, untouched.id)).confirmed_rating == Rating.TOT
    assert len(await audit(app)) == 2  # the chat's confirmation and the untouched row's


async def test_another_rating_needs_a_reason_over_http_too(app: App):
    evaluation = await submitted(app, "DEMO010", Rating.TOT)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        path = f"/desk/danhgia/{evaluation.id}"
        page = await (await client.get(desk.url + path)).text()
        state = re.search(r'name="shown" value="([^"]+)"', page).group(1)
        csrf = await desk.csrf(client, path)
        for rating, comment in (("hoan_thanh", " "), ("hoan_thanh", "ok"), ("khác", "Lý do")):
            data = {"csrf": csrf, "rating": rating, "comment": comment, "shown": state}
            async with client.post(desk.url + path, data=data) as response:
                assert response.status == 400, (rating, comment)
        # The proposed rating with a comment: no reason needed; the official gets the comment.
        data = {"csrf": csrf, "rating": "tot", "comment": "Cố gắng phát huy", "shown": state}
        async with client.post(desk.url + path, data=data) as response:
            assert "Đã xác nhận xếp loại Hoàng Minh Tuấn: Hoàn thành tốt nhiệm vụ" in (
                await response.text()
            )
    assert (await pushes(app))["DEMO010"].endswith("\nNhận xét: Cố gắng phát huy")


@pytest.mark.parametrize(
    ("quarter", "said"),
    [
        ("2026Q5", "«2026Q5» không phải một kỳ đánh giá"),
        ("quý 3", "«quý 3» không phải một kỳ đánh giá"),
        ("2099Q1", "Kỳ quý I/2099 chưa mở (mở từ 20/03/2099)"),
    ],
)
async def test_a_period_that_does_not_exist_or_has_not_opened_is_explained(app, quarter, said):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(f"{desk.url}/desk/danhgia", params={"quarter": quarter}) as response:
            text = await response.text()
            assert response.status == 400 and said in text
            assert 'name="quarter"' in text  # the picker stays, to choose another


async def test_by_default_the_current_period_is_shown_as_the_chat_picks_it(app: App):
    today = utcnow().astimezone(app.conversation.options.timezone).date()
    period = current_period(today, app.conversation.options.calendar)
    await submitted(app, "DEMO010", Rating.TOT, period=period.key)
    await submitted(app, "DEMO012", Rating.TOT, period=period.previous().key)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(f"{desk.url}/desk/danhgia") as response:
            text = await response.text()
    assert "Hoàng Minh Tuấn" in text and "Lê Thị Thu Trang" not in text
    assert f'<option value="{period.key}" selected>' in text
    assert f'<option value="{period.previous().key}">' in text  # the one before, to pick


async def test_an_admin_demoted_mid_session_changes_nothing(app: App):
    evaluation = await submitted(app, "DEMO010", Rating.TOT)
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(desk.url + LIST) as response:
            token = PICK.search(await response.text()).group(1)
        csrf = await desk.csrf(client, LIST)
        await set_role(app, "DEMO001", Role.OFFICIAL)
        data = {"csrf": csrf, "pick": token, "action": "chosen"}
        async with client.post(desk.url + "/desk/danhgia", data=data) as response:
            assert response.status == 401
    assert await nothing_confirmed(app, evaluation)


# -- nobody confirms their own; a comment over the limit is refused, not cut -----------------

OWN = "Bạn không tự xác nhận bản tự đánh giá của mình được; hãy nhờ quản trị viên khác."


async def test_nobody_confirms_their_own_self_evaluation(app: App):
    """DEMO011, unit admin of UBKT: their own row is listed, marked, left out of «Xác nhận
    tất cả»; its card has no form; a forged confirmation is refused and changes nothing."""
    await set_role(app, "DEMO011", Role.UNIT_ADMIN)
    own = await submitted(app, "DEMO011", Rating.TOT)
    tuan = await submitted(app, "DEMO010", Rating.TOT)
    async with desk_server(app) as desk:
        page = await desk.browser_login("DEMO011")
        await page.goto(desk.url + LIST)
        row = await page.inner_text(f"#row-{own.id}")
        assert "Chờ xác nhận" in row and "cần quản trị viên khác xác nhận" in row
        assert await page.query_selector(f"#row-{own.id} input[name=pick]") is None
        assert "1 bản chờ xác nhận" in await page.inner_text("#confirm-all")
        await page.click("#confirm-all")
        assert "Đã xác nhận 1 bản" in await page.inner_text("#notice")
        await page.click(f"#row-{own.id} >> text=Xem, điều chỉnh")
        assert await page.inner_text("#own") == OWN
        assert await page.query_selector("#confirm-one") is None

        client = await desk.client_login("DEMO011")
        csrf = await desk.csrf(client, LIST)
        shown = f"{own.id}:{state_of(await stored(app, own.id))}"
        data = {"csrf": csrf, "quarter": PERIOD, "pick": shown, "action": "chosen"}
        async with client.post(f"{desk.url}/desk/danhgia", data=data) as response:
            assert OWN in await response.text()
        data = {"csrf": csrf, "rating": "xuat_sac", "comment": "Tự nâng", "shown": shown[2:]}
        async with client.post(f"{desk.url}/desk/danhgia/{own.id}", data=data) as response:
            assert response.status == 400 and OWN in await response.text()
    assert await nothing_confirmed_by_anyone(app, own)
    assert (await stored(app, tuan.id)).status == EvaluationStatus.CONFIRMED
    assert set(await pushes(app)) == {"DEMO010"}


async def nothing_confirmed_by_anyone(app: App, evaluation: Evaluation) -> bool:
    now = await stored(app, evaluation.id)
    entries = [e.entity_id for e in await audit(app)]
    return now.status == EvaluationStatus.SUBMITTED and str(evaluation.id) not in entries


async def test_a_comment_over_the_limit_is_refused_with_the_text_kept(app: App):
    evaluation = await submitted(app, "DEMO010", Rating.TOT)
    path = f"/desk/danhgia/{evaluation.id}"
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        state = re.search(
            r'name="shown" value="([^"]+)"', await (await client.get(desk.url + path)).text()
        ).group(1)
        csrf = await desk.csrf(client, path)
        long = "Cố gắng phát huy. " * 55 + "Tốt"  # 993 characters
        for rating, comment, said in (
            ("tot", long + "x" * 8, "«Nhận xét» dài 1001 ký tự, quá giới hạn 1000 ký tự"),
            ("hoan_thanh", long + "x" * 9, "«Lý do điều chỉnh» dài 1002 ký tự, quá giới hạn 1000"),
        ):
            data = {"csrf": csrf, "rating": rating, "comment": comment, "shown": state}
            async with client.post(desk.url + path, data=data) as response:
                text = await response.text()
                assert response.status == 400 and said in text
                assert f">{comment}</textarea>" in text
        assert await nothing_confirmed(app, evaluation)
        # 1,000 characters, line breaks sent by a browser as CRLF counted once: taken whole.
        comment = long[:-3] + "\r\n" + "x" * 9
        assert len(comment.replace("\r\n", "\n")) == 1000
        data = {"csrf": csrf, "rating": "tot", "comment": comment, "shown": state}
        async with client.post(desk.url + path, data=data) as response:
            assert "Đã xác nhận xếp loại Hoàng Minh Tuấn" in await response.text()
    assert (await stored(app, evaluation.id)).review_comment == comment.replace("\r\n", "\n")
