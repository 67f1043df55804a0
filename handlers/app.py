"""Assembles the feature routers into the bot's one router, in a fixed order.

Where each command lives (handlers/features/…):

| commands | module |
|---|---|
| /start, /moi | linking |
| any text outside a form, /hoi, /xem, /toanvan, /cauhoimoi, /kb_reload | questions |
| /baocao, /khoahoc, /rut | reports |
| /dangky, /xoadangky | registration |
| /handangky | registration_window |
| /danhgia | evaluation |
| /toi | profile |
| /lotrinh | road |
| /duyet, /duyet_ok, /duyet_sau, /tuchoi | review |
| /xemdanhgia, /xacnhan | leader_review |
| /thongbao, /thongbao_moi, /thongbao_huy | announce |
| /quyen, /quyen_doi | permissions |
| /caidat | settings |
| a roster file sent in chat | roster |
| /tonghop, /chitieu, /chuanop, /xuat | summaries |
| /kehoachdaotao | training_plan |
| /baocaodinhky | periodic_report |
| /web | desk |
| /huy, /quaylai (no form open), /help | basics |
"""

from handlers.context import Context
from handlers.features import (
    announce,
    basics,
    desk,
    evaluation,
    leader_review,
    linking,
    periodic_report,
    permissions,
    profile,
    questions,
    registration,
    registration_window,
    reports,
    review,
    road,
    roster,
    settings,
    summaries,
    training_plan,
)
from handlers.features.basics import help_reply
from handlers.router import Router

FEATURES = (
    linking.router,
    questions.router,
    reports.router,
    registration.router,
    registration_window.router,
    evaluation.router,
    profile.router,
    road.router,
    review.router,
    leader_review.router,
    announce.router,
    permissions.router,
    settings.router,
    roster.router,
    summaries.router,
    training_plan.router,
    periodic_report.router,
    desk.router,
    basics.router,
)


def build_router() -> Router:
    root = Router()

    @root.command("help", summary="help.help")
    async def show_help(ctx: Context):
        return help_reply(root.commands, ctx)

    for feature in FEATURES:
        root.include(feature)
    return root
