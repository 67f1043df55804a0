"""Withdrawing a pending report (/khoahoc, /rut), through the console seam."""

from tests.helpers.reports import report_bdhvs


async def test_a_pending_report_can_be_withdrawn(app, official_chat, admin_chat):
    await report_bdhvs(official_chat)
    out = await official_chat.send("/khoahoc", "1")  # ↩️ Rút báo cáo #1
    assert "Vui lòng kiểm tra lại yêu cầu rút báo cáo" in out and "Đã rút" not in out
    out = await official_chat.send("xác nhận")
    assert "Đã rút báo cáo #1" in out
    assert "Không có báo cáo nào đang chờ duyệt" in await admin_chat.send("/duyet")
    assert "không tìm thấy" in (await admin_chat.send("/rut 1")).lower()  # not the admin's


async def test_withdrawing_offers_no_step_to_go_back_to(app, official_chat):
    await report_bdhvs(official_chat)
    out = await official_chat.send("/rut 1")
    assert "1. ✅ Xác nhận\n  2. ❌ Hủy" in out and "Quay lại" not in out
