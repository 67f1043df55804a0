"""Channel-neutral conversation: an `Incoming` in, `Reply` objects out.

Nothing here knows about Telegram or Zalo; channels in `bot/channels/` translate.
"""
