"""The periodic report draft as a .docx, laid out as Party documents are (Hướng dẫn
36-HD/VPTW): A4 portrait, Times New Roman 14 (13 in tables), margins top and bottom 2 cm, left
3 cm, right 2 cm; the page number top centre from page 2; the header of two borderless
columns, the title, the sections, «Nơi nhận» and the signature. Every word comes from
knowledge/report.yaml; the figures from ReportData.
"""

import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from handlers.formatting import show_date
from handlers.periods import ROMAN, Period, period_label
from handlers.services.report.figures import RATINGS, ReportData
from handlers.services.report.page import number_pages, set_page, set_properties
from handlers.services.summaries import charts
from handlers.services.summaries.figures import goal, status_word, value
from handlers.texts import t
from knowledge.report import SECTIONS, ReportWords

FONT, SIZE, TABLE_SIZE = "Times New Roman", 14, 13
CENTER, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)
CHART_WIDTH = Cm(16)
LEVELS = ("education_at_least", "political_theory_at_least")  # measures read from the record


def write_report(data: ReportData, words: ReportWords, path: Path) -> None:
    doc = Document()
    set_page(doc, FONT, SIZE)
    number_pages(doc, SIZE)
    fields = _fields(data, words)
    title = words["title"].format(**{**fields, "Period": fields["period"]})
    set_properties(doc, f"{words['kind'].capitalize()} {title}", words.get("author"))
    _header(doc, words["header"])
    _title(doc, words, fields)
    _paragraph(doc, words["intro"].format(**fields), indent=True)
    for key in SECTIONS:
        _section(doc, data, words, key, fields)
    _closing(doc, words)
    doc.save(path)


def _fields(data: ReportData, words: ReportWords) -> dict[str, str]:
    period = data.period
    label = (words["period_half"] if period.half else words["period_year"]).format(year=period.year)
    scope = data.scope
    return {
        "period": label,
        "Period": label[:1].upper() + label[1:],
        "plan": words.plan,
        "date": show_date(scope.as_of),
        "since": show_date(data.since),
        "until": show_date(scope.as_of),
        "rating_period": period_label(scope.period),
        "headcount": str(data.summary.headcount),
        "level_targets": ", ".join(str(number) for number in _level_targets(data)),
    }


def _level_targets(data: ReportData) -> list[int]:
    """The targets measured on an education or political theory level."""
    return [
        target.number
        for target in data.summary.targets.targets
        if any((i.spec.measure or "").startswith(LEVELS) for i in target.indicators)
    ]


def _period_name(period: Period) -> str:
    if period.annual:
        return t("summaries.period_year", year=period.year)
    return t("summaries.period_quarter", roman=ROMAN[period.quarter], year=period.year)


def _header(doc, header: dict) -> None:
    table = doc.add_table(rows=1, cols=2)  # the default table style draws no borders
    _widths(table, (Cm(7), Cm(9)))
    left, right = table.rows[0].cells
    _cell_line(left, header["party_committee"], first=True)
    _cell_line(left, header["issuer"], bold=True)
    _cell_line(left, header["mark"])
    _cell_line(left, header["number"])
    _cell_line(right, header["national"], bold=True, underline=True, first=True)
    _cell_line(right, "")
    _cell_line(right, header["place_date"], italic=True)


def _cell_line(cell, text: str, *, first: bool = False, size: int = SIZE, **style) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, size=size, **style)


def _run(paragraph, text: str, *, size: int | None = None, **style):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = (style.get(k) for k in ("bold", "italic", "underline"))
    if size:
        run.font.size = Pt(size)
    return run


def _title(doc, words: ReportWords, fields: dict) -> None:
    kind = doc.add_paragraph()
    kind.alignment = CENTER
    kind.paragraph_format.space_before = Pt(18)
    kind.paragraph_format.space_after = Pt(0)
    _run(kind, words["kind"], bold=True, size=16)
    title = doc.add_paragraph()
    title.alignment = CENTER
    _run(title, words["title"].format(**fields), bold=True)
    rule = doc.add_paragraph()
    rule.alignment = CENTER
    _run(rule, "-----")


def _paragraph(doc, text: str, *, indent: bool = False, bold: bool = False, italic=False):
    paragraph = doc.add_paragraph()
    paragraph.alignment = JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    _run(paragraph, text, bold=bold, italic=italic)
    return paragraph


def _section(doc, data: ReportData, words: ReportWords, key: str, fields: dict) -> None:
    section = words.section(key)
    _paragraph(doc, section["heading"], bold=True)
    if "basis" in section:
        _paragraph(doc, section["basis"].format(**fields), indent=True, italic=True)
    if key == "targets":
        _targets(doc, data, section)
        if fields["level_targets"] and section.get("levels_note"):
            _paragraph(doc, section["levels_note"].format(**fields), indent=True, italic=True)
    elif key == "training":
        _training(doc, data, section)
    elif key == "ratings":
        _ratings(doc, data, section)
    for text in section.get("paragraphs", []):
        _paragraph(doc, text.format(**fields), indent=True)


def _targets(doc, data: ReportData, section: dict) -> None:
    summary = data.summary
    widths = (Cm(1.4), Cm(6.1), Cm(2.9), Cm(2.6), Cm(3.0))
    table = _table(doc, section["columns"], widths)
    for target in summary.targets.targets:
        row = table.add_row().cells
        merged = row[0].merge(row[-1])
        text = section["target_row"].format(number=target.number, title=target.title)
        _fill(merged, text, bold=True, align=LEFT)
        for indicator in target.indicators:
            figure = summary.figure(indicator)
            cells = [indicator.spec.key, indicator.label, value(figure), goal(figure)]
            _row(table, [*cells, status_word(figure)], widths)
    figure = charts.indicators_figure(summary)
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=charts.PRINT_DPI)
    image.seek(0)
    doc.add_picture(image, width=CHART_WIDTH)
    doc.paragraphs[-1].alignment = CENTER
    caption = doc.add_paragraph()
    caption.alignment = CENTER
    _run(caption, section["chart_caption"], italic=True, size=TABLE_SIZE)


def _training(doc, data: ReportData, section: dict) -> None:
    widths = (Cm(1.4), Cm(9.2), Cm(2.7), Cm(2.7))
    table = _table(doc, section["columns"], widths)
    for number, row in enumerate(data.training, 1):
        name = t(f"summaries.category_{row.category.value}")
        _row(table, [str(number), name, str(row.reports), str(row.officials)], widths)
    reports = sum(row.reports for row in data.training)
    total = _row(table, ["", section["total"], str(reports), str(data.trained)], widths)
    for cell in total:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    note = doc.add_paragraph()
    _run(note, section["total_note"], italic=True, size=TABLE_SIZE)


def _ratings(doc, data: ReportData, section: dict) -> None:
    widths = (Cm(3.0),) + (Cm(2.15),) * 6
    table = _table(doc, section["columns"], widths)
    for row in data.ratings:
        counts = [str(row.counts.get(rating, 0)) for rating in RATINGS]
        name = _period_name(row.period)
        cells = [name, *counts, str(row.not_submitted), str(row.headcount)]
        _row(table, cells, widths, named=None)


def _table(doc, columns: Sequence[str], widths: Sequence):
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        _fill(cell, text, bold=True)
    return table


def _widths(table, widths: Sequence) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width in zip(table.rows[-1].cells, widths, strict=True):
        cell.width = width


def _row(table, texts: Sequence[str], widths: Sequence, named: int | None = 1):
    """A row of the table: the column `named` (a name) to the left, the others centred."""
    cells = table.add_row().cells
    for index, (cell, text, width) in enumerate(zip(cells, texts, widths, strict=True)):
        _fill(cell, text, align=LEFT if index == named else CENTER)
        cell.width = width
    return cells


def _fill(cell, text: str, *, bold: bool = False, align=CENTER) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, bold=bold, size=TABLE_SIZE)


def _closing(doc, words: ReportWords) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (Cm(7.5), Cm(8.5)))
    left, right = table.rows[0].cells
    heading = left.paragraphs[0]
    heading.paragraph_format.space_after = Pt(0)
    _run(heading, words["recipients_heading"], bold=True, italic=True, size=12)
    for line in words["recipients"]:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=11)
    signature = words["signature"]
    lines = [line for line in (signature.get("on_behalf"), signature["title"]) if line]
    for number, line in enumerate(lines):
        _cell_line(right, line, bold=True, first=number == 0)
    for _ in range(4):  # room for the signature and the seal
        _cell_line(right, "")
    _cell_line(right, signature["name"], bold=True)
