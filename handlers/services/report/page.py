"""The page and the file of the report draft: A4 portrait, margins top and bottom 2 cm, left
3 cm, right 2 cm (Hướng dẫn 36-HD/VPTW); the page number top centre from page 2, as Party
documents number their pages; and the file's own properties (Word's File → Info), which
python-docx's template would otherwise give as written by python-docx in 2013."""

from datetime import UTC, datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

AUTHOR = "canbo-bot"  # when report.yaml names none


def set_page(doc, font: str, size: int) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = font, Pt(size)
    # Word takes Vietnamese letters from the East Asian and complex-script slots too.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    style.paragraph_format.space_after = Pt(6)


def number_pages(doc, size: int) -> None:
    """The page number top centre from page 2: the first page has an empty header."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False  # an empty one of its own
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", shown="2")
    for run in paragraph.runs:
        run.font.size = Pt(size)


def _field(paragraph, code: str, shown: str) -> None:
    """A field as Word writes one: begin, its code, separate, the text shown until it is
    updated, end (python-docx has no call for fields)."""
    parts = (("w:fldChar", "begin"), ("w:instrText", code), ("w:fldChar", "separate"))
    for tag, value in parts:
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = f" {value} "
        paragraph.add_run()._r.append(element)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def set_properties(doc, title: str, author: str | None) -> None:
    properties = doc.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    properties.title = title
    properties.author = properties.last_modified_by = author or AUTHOR
    properties.comments = properties.subject = properties.keywords = ""
    properties.created = properties.modified = now
    properties.revision = 1
