"""aiogram is imported with its types built on first use (bot/channels/lazy_aiogram.py): every
Telegram type and method, and every method's answer, must still build, whichever comes first."""

import subprocess
import sys

CHECK = """
import random, sys
import bot.channels
import aiogram.methods, aiogram.types
from aiogram.methods.base import Response, TelegramMethod
from pydantic import BaseModel

assert not aiogram.types.Update.__pydantic_complete__, "aiogram built its types at import"
assert not aiogram.methods.SendMessage.__pydantic_complete__, "and its methods"
models = [getattr(module, name) for module in (aiogram.types, aiogram.methods)
          for name in module.__all__]
models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
random.Random(int(sys.argv[1])).shuffle(models)  # nested first or alone: both must work
for model in models:
    model.model_rebuild()
    if issubclass(model, TelegramMethod) and model is not TelegramMethod:
        Response[model.__returning__].model_rebuild()
print(len(models))
"""


def test_every_telegram_type_and_method_builds_after_the_lazy_import():
    for seed in (1, 2):
        done = subprocess.run(
            [sys.executable, "-c", CHECK, str(seed)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert int(done.stdout) > 500  # ~400 types and ~190 methods
