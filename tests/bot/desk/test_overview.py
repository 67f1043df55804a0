"""Tổng quan's filters: a day or a quarter (not both), kept in the form and in the links to
each target; a day in the future or of another century refused in words."""

from datetime import date, timedelta

from bot.app import App
from tests.helpers.desk import desk_server


async def test_a_day_asked_for_is_kept_in_the_form_and_the_target_links(app: App):
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        async with client.get(f"{desk.url}/desk/", params={"date": "01/05/2026"}) as response:
            text = await response.text()
        assert response.status == 200 and "Tính đến ngày 01/05/2026" in text
        assert 'value="01/05/2026"' in text
        assert "/desk/chitieu/1?date=01%2F05%2F2026" in text and "quarter=" not in text


async def test_odd_days_and_both_filters_are_refused_in_words(app: App):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = {
        "date=1900-01-01": "quá xa",
        f"date={tomorrow}": "tương lai",
        "date=30/02/2026": "Ngày không hợp lệ",
        "date=2026-02-30": "Ngày không hợp lệ",
        "date=2026-05-01&quarter=2026Q1": "không chọn cả hai",
        "quarter=2031Q1": "chưa mở",
    }
    async with desk_server(app) as desk:
        client = await desk.client_login("DEMO001")
        for query, said in cases.items():
            async with client.get(f"{desk.url}/desk/?{query}") as response:
                text = await response.text()
                assert response.status == 400 and said in text, query
                assert "Gõ lệnh" not in text, query
