"""Import aiogram with its Telegram types built when first used, not all at import.

aiogram 3 declares its ~400 types with pydantic's `defer_build`, then its `aiogram/types`
package calls `model_rebuild()` on every one of them at import, which builds them all anyway:
about 105 MB of the bot's memory, though the bot uses a few dozen of them (aiogram issue
#1513); its ~190 API methods are built as their classes are made. While aiogram is imported
here, that call only makes the names it would have resolved available to pydantic, and the
methods ask for `defer_build` too; pydantic then builds each model on its first use.
tests/test_lazy_aiogram.py builds every type and method this way. Delete this module once
aiogram stops rebuilding at import.
"""

import sys

from pydantic import BaseModel
from pydantic._internal._model_construction import ModelMetaclass


def import_aiogram() -> None:
    if "aiogram" in sys.modules:  # imported already (e.g. by a test): nothing to save
        return
    rebuild, create = BaseModel.__dict__["model_rebuild"], ModelMetaclass.__new__
    BaseModel.model_rebuild = classmethod(_remember_namespace)
    ModelMetaclass.__new__ = _deferring(create)
    try:
        import aiogram  # noqa: F401
    finally:
        BaseModel.model_rebuild, ModelMetaclass.__new__ = rebuild, create


def _remember_namespace(cls, *, _types_namespace=None, **_ignored) -> None:
    # A type's forward references name other types that its module imports only for type
    # checkers; pydantic resolves them in the module's globals when it builds the type, on its
    # own or nested in another model. Give the module the names aiogram would have passed.
    module = vars(sys.modules[cls.__module__])
    for name, value in (_types_namespace or {}).items():
        module.setdefault(name, value)


def _deferring(create):
    def new(mcs, name, bases, namespace, **kwargs):
        # aiogram's ~190 API methods do not ask for `defer_build`, so each is built as its
        # class is made (another 26 MB); their base class asks for it here.
        if name == "TelegramMethod" and namespace.get("__module__") == "aiogram.methods.base":
            namespace["model_config"] = {**namespace.get("model_config", {}), "defer_build": True}
        return create(mcs, name, bases, namespace, **kwargs)

    return new
