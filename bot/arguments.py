"""The command line's arguments: every command, its options and their help, in Vietnamese."""

import argparse

from bot.config import PROCESS_ROLES
from handlers.services.accounts import ROLES
from handlers.texts import t


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="canbo-bot", description="Trợ lý thực hiện Nghị quyết 05-NQ/TU"
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH")

    run = sub.add_parser(
        "run", help="chạy bot (không có token: mở bảng điều khiển với dữ liệu mẫu)"
    )
    run.add_argument(
        "--role",
        choices=PROCESS_ROLES,
        default="all",
        help="all: một tiến trình làm tất cả; web: tiến trình nhận webhook (chạy "
        "nhiều); scheduler: tiến trình duy nhất lên lịch và gửi tin nhắc",
    )

    webhook = sub.add_parser("webhook", help="đặt, xóa hoặc xem webhook của một kênh")
    webhook.add_argument("action", choices=["set", "delete", "info"])
    webhook.add_argument("--channel", choices=["telegram", "zalo"], required=True)

    ask = sub.add_parser("ask", help="hỏi về Kế hoạch (không cần cơ sở dữ liệu)")
    ask.add_argument("question", nargs="?", metavar="CÂU_HỎI")
    ask.add_argument("--json", action="store_true", help="in một đối tượng JSON")
    ask.add_argument("--batch", metavar="TỆP", help="mỗi dòng một câu hỏi; in mỗi dòng một JSON")

    chat = sub.add_parser("chat", help="trò chuyện với bot trong terminal")
    chat.add_argument("--user", metavar="MÃ_CB", help="nói chuyện với tư cách cán bộ có mã này")

    status = sub.add_parser(
        "status",
        help="tình trạng bot đang chạy: các kênh, hộp thư đi, "
        "lần lập lịch gần nhất (mã thoát 1 nếu có trục trặc)",
    )
    status.add_argument("--json", action="store_true", help="in một đối tượng JSON")

    database = sub.add_parser("db", help="cơ sở dữ liệu: nâng cấp lược đồ, xem phiên bản, sao lưu")
    database.add_argument("action", choices=["upgrade", "current", "backup"])
    database.add_argument(
        "dir",
        nargs="?",
        metavar="THƯ_MỤC",
        help="backup: thư mục lưu bản sao lưu (tạo nếu chưa có)",
    )
    database.add_argument(
        "--keep",
        type=_positive,
        metavar="N",
        help="backup: chỉ giữ N bản sao lưu mới nhất do lệnh này tạo",
    )

    sub.add_parser("demo-data", help="nạp danh sách cán bộ mẫu (DEMO001–DEMO040)")

    invite = sub.add_parser("invite", help="tạo mã mời liên kết tài khoản cho một cán bộ")
    invite.add_argument("official_code", metavar="MÃ_CB")
    invite.add_argument("--admin", action="store_true", help="mã này cấp quyền quản trị viên")
    invite.add_argument("--days", type=int, help="số ngày hiệu lực (mặc định INVITE_TTL_DAYS)")
    invite.add_argument("--json", action="store_true", help="in một đối tượng JSON")

    account = sub.add_parser("account", help="tài khoản đã liên kết và quyền của cán bộ")
    account_sub = account.add_subparsers(dest="account_action", required=True, metavar="VIỆC")
    listing = account_sub.add_parser("list", help="liệt kê tài khoản đã liên kết")
    listing.add_argument("--official", metavar="MÃ_CB", help="chỉ một cán bộ")
    unlink = account_sub.add_parser("unlink", help="gỡ liên kết tài khoản (mất điện thoại…)")
    unlink.add_argument("official_code", metavar="MÃ_CB")
    unlink.add_argument(
        "--platform",
        choices=["telegram", "zalo", "console"],
        help="chỉ tài khoản trên nền tảng này (mặc định: tất cả)",
    )
    role = account_sub.add_parser("role", help="cấp hoặc thu hồi quyền quản trị")
    role.add_argument("official_code", metavar="MÃ_CB")
    role.add_argument(
        "role", choices=list(ROLES), metavar="QUYỀN", help="admin | unit-admin | official"
    )

    roster = sub.add_parser("roster", help="nhập, xuất danh sách cán bộ (Excel .xlsx hoặc .csv)")
    roster_sub = roster.add_subparsers(dest="roster_action", required=True, metavar="VIỆC")
    template = roster_sub.add_parser("template", help="tạo tệp mẫu trống có hướng dẫn")
    template.add_argument("file", metavar="TỆP")
    roster_import = roster_sub.add_parser("import", help="nhập danh sách, cập nhật theo mã cán bộ")
    roster_import.add_argument("file", metavar="TỆP")
    roster_import.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    roster_import.add_argument(
        "--deactivate-missing",
        action="store_true",
        help="cán bộ không có trong tệp chuyển sang ngừng công tác",
    )
    export = roster_sub.add_parser("export", help="xuất toàn bộ danh sách để sửa và nhập lại")
    export.add_argument("file", metavar="TỆP")

    sub.add_parser(
        "web",
        help="chỉ chạy bàn làm việc web (không cần token), tại WEBHOOK_HOST:WEBHOOK_PORT",
    )
    desk_link = sub.add_parser(
        "desk-link", help="tạo liên kết đăng nhập bàn làm việc web (một lần, 10 phút)"
    )
    desk_link.add_argument("official_code", metavar="MÃ_CB", help="quản trị viên hoặc QTV đơn vị")

    summary = sub.add_parser("export", help="xuất tệp Excel tổng hợp 8 chỉ tiêu (có ghi nhật ký)")
    summary.add_argument("--out", required=True, metavar="TỆP.xlsx")
    summary.add_argument("--unit", metavar="MÃ_ĐƠN_VỊ", help="chỉ một đơn vị (mặc định toàn xã)")
    summary.add_argument("--quarter", metavar="2026Q2", help="kỳ xếp loại (mặc định quý này)")

    plan = sub.add_parser(
        "training-plan",
        help="xuất tệp Excel kế hoạch đào tạo, bồi dưỡng cả năm theo đăng ký (có ghi nhật ký)",
    )
    plan.add_argument("--year", metavar="NĂM", help="năm của kế hoạch (mặc định năm sau)")
    plan.add_argument("--out", required=True, metavar="TỆP.xlsx")
    plan.add_argument("--unit", metavar="MÃ_ĐƠN_VỊ", help="chỉ một đơn vị (mặc định toàn xã)")
    report = sub.add_parser(
        "report", help="lập dự thảo báo cáo sơ kết 6 tháng, tổng kết năm (tệp Word .docx)"
    )
    report.add_argument("--out", required=True, metavar="TỆP.docx")
    report.add_argument(
        "--period",
        metavar="2026H1|2026",
        help="2026H1: sơ kết 6 tháng đầu năm; 2026: tổng kết năm (mặc định: tháng 6 và tháng "
        "12 là kỳ đang kết thúc, các tháng khác là kỳ gần nhất đã kết thúc)",
    )
    report.add_argument("--unit", metavar="MÃ_ĐƠN_VỊ", help="chỉ một đơn vị (mặc định toàn xã)")
    return p


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(t("backup.keep_positive"))
    return int(text)


def check_db(p: argparse.ArgumentParser, args) -> None:
    if args.action == "backup" and args.dir is None:
        p.error(t("backup.needs_dir"))
    if args.action != "backup" and (args.dir is not None or args.keep is not None):
        p.error(t("backup.only_backup"))
