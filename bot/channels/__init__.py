"""Channels turn platform updates into `Incoming` and render `Reply` objects back.

aiogram is imported here, before any channel module can import it, so that its Telegram types
are built on first use (see lazy_aiogram)."""

from bot.channels.lazy_aiogram import import_aiogram

import_aiogram()
