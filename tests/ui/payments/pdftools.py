"""Read back a PDF the app wrote: header/trailer checks and its text (QtPdf, used by the tests only; the app
itself writes PDFs with QPdfWriter and does not ship QtPdf)."""

from __future__ import annotations

import re
from pathlib import Path


def assert_valid_pdf(path: Path, min_size: int = 1000) -> bytes:
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF-1."), data[:16]
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > min_size
    return data


def pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    """(width pt, height pt, text with whitespace collapsed) per page."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    error = doc.load(str(path))
    assert error == QPdfDocument.Error.None_, error
    pages = []
    for index in range(doc.pageCount()):
        size = doc.pagePointSize(index)
        text = doc.getAllText(index).text().replace("\ufffe", "-")
        pages.append((size.width(), size.height(), re.sub(r"\s+", " ", text)))
    doc.close()
    return pages
