"""`python -m bot webhook set|delete|info --channel telegram|zalo`."""

from bot.channels import telegram, zalo
from bot.config import Settings

# Each platform's webhook management, its token setting and that setting's name.
PLATFORMS = {
    "telegram": (telegram.manage_webhook, "telegram_bot_token", "telegram_api_base"),
    "zalo": (zalo.manage_webhook, "zalo_bot_token", "zalo_api_base"),
}


async def manage_webhook(settings: Settings, channel: str, action: str) -> str:
    """Do `action` on the channel's webhook; returns a line (or JSON) to print."""
    if action == "set" and not (settings.webhook_base_url and settings.webhook_secret):
        raise ValueError("Cần đặt WEBHOOK_BASE_URL và WEBHOOK_SECRET trước khi đặt webhook.")
    manage, token_setting, api_base_setting = PLATFORMS[channel]
    token = getattr(settings, token_setting)
    if token is None:
        raise ValueError(f"Chưa đặt {token_setting.upper()}.")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    return await manage(
        token.get_secret_value(),
        getattr(settings, api_base_setting),
        action,
        settings.webhook_base_url,
        secret,
    )
