"""Admin summaries: the plan's eight targets as live indicators, charts and the Excel workbook."""

from handlers.summaries.commands import router
from handlers.summaries.export import export_for_operator
from handlers.summaries.scope import ScopeError

__all__ = ["ScopeError", "export_for_operator", "router"]
