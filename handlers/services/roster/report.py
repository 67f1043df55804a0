"""What an import found and did, and its Vietnamese report."""

from dataclasses import dataclass, field

from handlers.texts import t


@dataclass(frozen=True)
class Problem:
    row: int | None  # as the spreadsheet shows it: the header is row 1
    column: str | None  # the column's header as written in the file
    message: str

    def line(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return t("roster.problem_row", row=self.row, message=self.message)
        return t("roster.problem_cell", row=self.row, column=self.column, message=self.message)


@dataclass(frozen=True)
class Change:
    """One field of an updated official, as the file's cells show it."""

    code: str
    column: str  # the template's heading
    before: str
    after: str

    def line(self) -> str:
        return t("roster.change_line", code=self.code, column=self.column,
                 before=self.before, after=self.after)  # fmt: skip


# A chat message lists this many changes; the rest are counted.
MAX_CHANGES = 15


@dataclass
class RosterReport:
    filename: str
    dry_run: bool = False
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # officials' codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    new_units: list[tuple[str, str]] = field(default_factory=list)  # name, code
    changes: list[Change] = field(default_factory=list)  # of the updated officials

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def text(self, max_problems: int | None = None, max_changes: int | None = MAX_CHANGES) -> str:
        """The report; a chat may cap the problems listed (the command line lists them all).

        Changes are capped unless asked otherwise, so a chat message stays readable.
        """
        if self.ok:
            lines = self._summary_lines() + self._change_lines(max_changes)
        else:
            lines = self._problem_lines(max_problems)
        if self.ignored_columns:
            # Shown with problems too: a misspelt header is often why a column seems missing.
            columns = ", ".join(f"«{c}»" for c in self.ignored_columns)
            lines.append(t("roster.report_ignored_columns", columns=columns))
        return "\n".join(lines)

    def _summary_lines(self) -> list[str]:
        if self.dry_run:
            heading = t("roster.report_dry_run", filename=self.filename, rows=self.rows)
        else:
            heading = t("roster.report_done", filename=self.filename, rows=self.rows)
        lines = [
            heading,
            t(
                "roster.report_counts",
                added=len(self.added),
                updated=len(self.updated),
                unchanged=len(self.unchanged),
                deactivated=len(self.deactivated),
            ),
        ]
        if self.new_units:
            units = ", ".join(f"{name} ({code})" for name, code in self.new_units)
            lines.append(t("roster.report_new_units", units=units))
        return lines

    def _problem_lines(self, limit: int | None) -> list[str]:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [t("roster.report_failed", filename=self.filename, count=len(self.problems))]
        lines += [problem.line() for problem in shown]
        if len(shown) < len(self.problems):
            lines.append(t("roster.report_more", count=len(self.problems) - len(shown)))
        return lines

    def _change_lines(self, limit: int | None) -> list[str]:
        if not self.changes:
            return []
        shown = self.changes if limit is None else self.changes[:limit]
        lines = [t("roster.report_changes"), *(change.line() for change in shown)]
        if len(shown) < len(self.changes):
            lines.append(t("roster.report_more_changes", count=len(self.changes) - len(shown)))
        return lines
