"""Printing files as an office suite does: LibreOffice converts a workbook or a Word file to
PDF (the tests that use it skip where `soffice` is not installed), and the PDF's pages are
read back."""

import re
import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = "LibreOffice (soffice) is not installed"
A4_LANDSCAPE = (841.9, 595.3)  # points


def to_pdf(path: Path, folder: Path) -> bytes:
    """The PDF LibreOffice prints of `path`, written beside it in `folder`."""
    profile = folder / "lo-profile"  # a private profile: parallel runs do not clash
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = folder / f"{path.stem}.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    return pdf.read_bytes()


def pages(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size in points, from its /MediaBox (counting the /Type /Page objects)."""
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    boxes = [
        tuple(float(n) for n in box.split()[2:])
        for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)
    ]
    assert count and len(boxes) >= count
    return [(round(w, 1), round(h, 1)) for w, h in boxes[-count:]]


def pdf_text(pdf: Path) -> str | None:
    """The PDF's text, pages split by form feeds; None without poppler's pdftotext."""
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
