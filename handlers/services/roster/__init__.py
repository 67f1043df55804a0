"""Roster files: the officials of a commune imported from, and exported to, XLSX or CSV.

`import_roster_file` is channel-neutral: the command line and the chat both call it.
"""

from handlers.services.roster.export import export_roster, roster_template, roster_template_for
from handlers.services.roster.importer import import_roster_file
from handlers.services.roster.report import Problem, RosterReport
from handlers.services.roster.sheets import SheetError, file_format

__all__ = [
    "Problem",
    "RosterReport",
    "SheetError",
    "export_roster",
    "file_format",
    "import_roster_file",
    "roster_template",
    "roster_template_for",
]
