"""`python -m bot webhook set|delete|info --channel telegram|zalo`."""

import json

from bot.channels import telegram, zalo
from bot.channels.zalo_api import ZaloApi
from bot.config import Settings


async def manage_webhook(settings: Settings, channel: str, action: str) -> str:
    """Do `action` on the channel's webhook; returns a line (or JSON) to print."""
    if action == "set" and not (settings.webhook_base_url and settings.webhook_secret):
        raise ValueError("Cần đặt WEBHOOK_BASE_URL và WEBHOOK_SECRET trước khi đặt webhook.")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if channel == "telegram":
        if settings.telegram_bot_token is None:
            raise ValueError("Chưa đặt TELEGRAM_BOT_TOKEN.")
        token = settings.telegram_bot_token.get_secret_value()
        async with telegram.make_bot(token, settings.telegram_api_base) as bot:
            if action == "set":
                url = f"{settings.webhook_base_url}{telegram.WEBHOOK_PATH}"
                await bot.set_webhook(
                    url, secret_token=secret, allowed_updates=telegram.UPDATE_TYPES
                )
                return f"Đã đặt webhook Telegram: {url}"
            if action == "delete":
                await bot.delete_webhook()
                return "Đã xóa webhook Telegram."
            info = await bot.get_webhook_info()
            return info.model_dump_json(exclude_none=True)
    if settings.zalo_bot_token is None:
        raise ValueError("Chưa đặt ZALO_BOT_TOKEN.")
    api = ZaloApi(settings.zalo_bot_token.get_secret_value(), api_base=settings.zalo_api_base)
    try:
        if action == "set":
            url = f"{settings.webhook_base_url}{zalo.WEBHOOK_PATH}"
            await api.set_webhook(url, secret)
            return f"Đã đặt webhook Zalo: {url}"
        if action == "delete":
            await api.delete_webhook()
            return "Đã xóa webhook Zalo."
        return json.dumps(await api.get_webhook_info(), ensure_ascii=False)
    finally:
        await api.close()
