"""Reading the text out of documents — letters, orders, e-mails and their attachments,
scans — safely, in paragraphs that keep their source, page and language (see
:func:`docket.extraction.service.extract`)."""

from docket.extraction.result import Extraction, Paragraph
from docket.extraction.service import extract

__all__ = ["Extraction", "Paragraph", "extract"]
