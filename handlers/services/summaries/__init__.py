"""Admin summaries: the plan's eight targets as live indicators, charts and the Excel workbook."""

from handlers.services.summaries.export import export_for_operator
from handlers.services.summaries.scope import ScopeError

__all__ = ["ScopeError", "export_for_operator"]
