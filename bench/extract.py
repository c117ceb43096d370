"""Text extraction over a generated corpus of notices with known answers.

Generates the corpus of ``tests/extraction/corpus.py`` (eight authorities, seven kinds of
document, ``--per-kind`` of each: plain, bilingual and HTML e-mails, PDFs with a text
layer, scanned image-only PDFs, e-mails with the letter as a PDF attachment, DOCX) in a
temporary folder, runs ``docket.extraction.extract`` on every document and prints:

- per kind: documents, seconds per document (for scans also seconds per scanned page),
  and the same for a **bare baseline** measured in the same run on the same files: the
  format's plain parse in this process, with no child process, limits or languages
  (stdlib ``email`` for e-mails, PDFium's text for PDFs, one ``tesseract`` call with every
  configured pack for scans, the ZIP's XML with its tags stripped for DOCX); the ratio
  docket / bare;
- language accuracy: the paragraphs whose language the answers know, found by their
  opening words, told right; and the documents whose languages include the notice's own;
- translation links: the English paragraphs of bilingual notices linked to their
  originals;
- **address survival**, the extraction-side figure: the fraction of the answers' target
  addresses whose text, refanged, appears in the extracted text (as it is, and with the
  whitespace taken out, which rejoins addresses broken over two lines), for docket and
  for the baseline.

Then, if ``docket.extraction.proposals`` can be imported, the proposals' scores (see the
marked hook below). Figures, not assertions::

    .venv/bin/python bench/extract.py                  # the corpus once: 56 documents, 8 scans
    .venv/bin/python bench/extract.py --kinds mail,pdf --per-kind 3
"""

# ruff: noqa: E402  (the sys.path fix below must run before the imports)
from __future__ import annotations

import os
import sys

_BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH_DIR]
sys.path.insert(0, os.path.dirname(_BENCH_DIR))  # the repository, for tests.extraction.corpus

import argparse
import importlib
import importlib.util
import io
import json
import re
import statistics
import subprocess
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from tests.extraction import corpus

from docket.documents import detect
from docket.extraction import languages as languages_module
from docket.extraction.result import Extraction
from docket.extraction.service import extract
from docket.settings import Settings, load_settings


@dataclass
class Kind:
    documents: int = 0
    seconds: list[float] = field(default_factory=list)
    bare_seconds: list[float] = field(default_factory=list)
    ocr_pages: int = 0
    targets: int = 0
    survived: int = 0
    survived_joined: int = 0
    bare_survived: int = 0
    bare_survived_joined: int = 0
    errors: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the bare baseline
def bare(document: corpus.Document, settings: Settings) -> str:
    """The text a plain parse in this process gets (see the module's docstring)."""
    if document.media_type == detect.EML:
        message = BytesParser(policy=policy.default).parsebytes(document.data)
        assert isinstance(message, EmailMessage)
        parts = []
        body = message.get_body(preferencelist=("plain", "html"))
        if body is not None:
            content = body.get_content()
            parts.append(re.sub(r"<[^>]+>", " ", content) if body.get_content_subtype() == "html" else content)
        for attachment in message.iter_attachments():
            payload = attachment.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.startswith(b"%PDF"):
                parts.append(_pdfium_text(payload))
        return "\n".join(parts)
    if document.kind == "scan":
        return _tesseract(document.data, settings)
    if document.media_type == detect.PDF:
        return _pdfium_text(document.data)
    if document.media_type == detect.DOCX:
        with zipfile.ZipFile(io.BytesIO(document.data)) as archive:
            xml = archive.read("word/document.xml").decode()
        return re.sub(r"<[^>]+>", " ", xml.replace("</w:p>", "\n").replace("<w:br/>", "\n"))
    return document.data.decode(errors="replace")


def _pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _tesseract(data: bytes, settings: Settings) -> str:
    import pypdfium2 as pdfium

    texts = []
    with tempfile.TemporaryDirectory() as folder:
        for number, page in enumerate(pdfium.PdfDocument(data)):
            path = Path(folder) / f"{number}.png"
            page.render(scale=300 / 72, grayscale=True).to_pil().save(path)
            done = subprocess.run(["tesseract", str(path), "stdout", "-l", settings.ocr_languages],
                                  capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
            texts.append(done.stdout.decode(errors="replace"))
    return "\n".join(texts)


# ---------------------------------------------------------------- scoring
def languages_right(document: corpus.Document, extraction: Extraction) -> tuple[int, int]:
    """(paragraphs found and told right, paragraphs found) of those the answers know."""
    texts = [extraction.text[p.start:p.end] for p in extraction.paragraphs]
    right = found = 0
    for opening, language in document.expected_languages():
        index = corpus.find_opening(opening, texts)
        if index is not None:
            found += 1
            right += extraction.paragraphs[index].language == language
    return right, found


def links_right(document: corpus.Document, extraction: Extraction) -> tuple[int, int]:
    """(expected translation links found, expected links)."""
    texts = [extraction.text[p.start:p.end] for p in extraction.paragraphs]
    expected = document.expected_translations()
    right = 0
    for english, original in expected:
        index = corpus.find_opening(english, texts)
        linked = None if index is None else extraction.paragraphs[index].translation_of
        right += linked is not None and corpus.opening_matches(original, texts[linked])
    return right, len(expected)


# ---------------------------------------------------------------- the proposals' hook
# >>> PROPOSALS HOOK: when docket.extraction.proposals exists (another work package), its
# >>> propose(text, *, session, settings, paragraphs) is scored here against the answers:
# >>> addresses' precision and recall, country, sending authority, order number, order
# >>> date, cited laws. Adjust the attribute names below to the Proposal it returns.
def score_proposals(results: list[tuple[corpus.Document, Extraction]], settings: Settings, *,
                    misses: bool = False) -> None:
    if importlib.util.find_spec("docket.extraction.proposals") is None:
        print("\nproposals: docket.extraction.proposals is not there yet; not scored")
        return
    proposals = importlib.import_module("docket.extraction.proposals")
    from docket.schema import upgrade
    from docket.store import make_engine, make_sessionmaker, transaction

    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    true_pos = proposed = wanted = 0
    with tempfile.TemporaryDirectory(prefix="docket-bench-extract-") as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        try:
            upgrade(engine)
            factory = make_sessionmaker(engine)
            _register_senders(factory, [document.letter for document, _ in results])
            for document, extraction in results:
                answers = document.letter.answers
                if answers is None or extraction.error:
                    continue
                with transaction(factory) as session:
                    started = time.perf_counter()
                    proposal = proposals.propose(extraction.text, session=session, settings=settings,
                                                 paragraphs=extraction.paragraphs)
                    tally["seconds ×1000"][0] += int((time.perf_counter() - started) * 1000)
                # A withheld address ("[redacted]") is proposed with no URL: not an address.
                got = {url for found in getattr(proposal, "addresses", ()) if (url := _value_text(found.value))}
                targets = set(answers.platform_addresses + answers.other_addresses)
                if misses and got != targets:
                    print(f"  {document.name}: addresses proposed but not targets {sorted(got - targets)}, "
                          f"missed {sorted(targets - got)}")
                true_pos += len(got & targets)
                proposed += len(got)
                wanted += len(targets)
                order = getattr(proposal, "order", None)
                checks = {
                    "country": (_value_text(getattr(proposal, "country", None)), answers.country),
                    "sending authority": (_value_text(getattr(proposal, "sender", None)), answers.sending_authority),
                    "order number": (_value_text(getattr(order, "number", None)), answers.order_number),
                    "order date": (_value_text(getattr(order, "date", None)), answers.order_date),
                }
                for name, (value, expected) in checks.items():
                    if misses and value.casefold() != expected.casefold():
                        print(f"  {document.name}: {name} {value!r}, the answer {expected!r}")
                    tally[name][0] += value.casefold() == expected.casefold()
                    tally[name][1] += 1
                laws = _arabic(" ".join(f"{_value_text(found.value)} {getattr(found.value, 'provision', '') or ''}"
                                        for found in getattr(proposal, "laws", ())))
                for law in answers.laws:
                    number = re.search(r"\d+(?:[./-]\w+)?", law)
                    if misses and not (number and number.group(0) in laws):
                        print(f"  {document.name}: cited law {law!r} not among {laws!r}")
                    tally["cited laws (article found)"][0] += bool(number and number.group(0) in laws)
                    tally["cited laws (article found)"][1] += 1
        finally:
            engine.dispose()
    print("\nproposals (docket.extraction.proposals.propose on the extracted text):")
    print(f"  addresses: precision {true_pos / max(proposed, 1):.3f}, recall {true_pos / max(wanted, 1):.3f} "
          f"({true_pos} of {proposed} proposed, {wanted} wanted)")
    for name, (right, total) in tally.items():
        if name.startswith("seconds"):
            print(f"  time: {right / max(len(results), 1):.0f} ms per document")
        else:
            print(f"  {name}: {right}/{total} = {right / max(total, 1):.3f}")
# <<< PROPOSALS HOOK


_CJK_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}


def _arabic(text: str) -> str:
    """``text`` with each Chinese numeral (第三百条: 三百) followed by its digits (300), so
    that a Chinese citation's article is found like any other."""
    def value(match: re.Match[str]) -> str:
        total = current = 0
        for char in match.group(0):
            if char in _CJK_DIGITS:
                current = _CJK_DIGITS[char]
            else:
                total += (current or 1) * _CJK_UNITS[char]
                current = 0
        return f"{match.group(0)} {total + current} "

    return re.sub(r"[零一二两三四五六七八九十百千]+", value, text)


# How the corpus's senders would be registered: as submitters, with their e-mail address.
SENDER_KINDS = {"ru-rkn": "regulator", "kz-mci": "government_agency", "cn-mps": "government_agency",
                "tr-btk": "regulator", "es-gc": "police", "de-lg": "court", "hk-police": "police",
                "sg-cert": "government_agency"}


def _register_senders(factory: Any, letters: list[Any]) -> None:
    from email.utils import parseaddr

    from docket.errors import Unprocessable
    from docket.parties import service as parties
    from docket.store import transaction

    for letter in {letter.key: letter for letter in letters}.values():
        with transaction(factory) as session:
            try:
                parties.create_submitter(session=session, actor="bench", name=letter.answers.sending_authority,
                                         kind=SENDER_KINDS[letter.key], country=letter.answers.country,
                                         email=parseaddr(letter.sender)[1], verified=True)
            except Unprocessable as exc:  # a country the catalog does not know
                print(f"  (sender {letter.answers.sending_authority!r} not registered: {exc})")


def _value_text(value: Any) -> str:
    """A proposed value as text: a Found's value, an address's URL, a sender's name, a date."""
    if value is None:
        return ""
    value = getattr(value, "value", value)
    for name in ("normalized", "url", "name", "citation"):
        if hasattr(value, name):
            found = getattr(value, name)
            return "" if found is None else str(found)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# ---------------------------------------------------------------- the run
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=1, help="notices of each authority and kind (default 1)")
    parser.add_argument("--kinds", default=",".join(corpus.KINDS), help="kinds of document, comma-separated")
    parser.add_argument("--templates", default=None, help="authorities, comma-separated (default all)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare baseline")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    parser.add_argument("--misses", action="store_true", help="list each proposal that misses its answer")
    args = parser.parse_args(argv)
    settings = load_settings()
    started = time.perf_counter()
    documents = corpus.generate(args.per_kind, kinds=args.kinds.split(","),
                                templates=args.templates.split(",") if args.templates else None)
    languages = sorted({d.letter.language for d in documents})
    print(f"corpus: {len(documents)} documents in {len(languages)} languages ({', '.join(languages)}), "
          f"generated in {time.perf_counter() - started:.1f} s")
    # A worker reading documents all day has lingua's models loaded: load them before the
    # clock starts (the first paragraph of each script costs about a second, once).
    began = time.perf_counter()
    languages_module.detect_all([text for d in documents for text in d.letter.paragraphs + d.letter.english],
                                settings.extract_languages.split(","))
    print(f"lingua's models loaded in {time.perf_counter() - began:.1f} s (not counted below)")
    kinds: dict[str, Kind] = defaultdict(Kind)
    results: list[tuple[corpus.Document, Extraction]] = []
    language_right = language_found = language_total = documents_right = links_ok = links_total = 0
    with tempfile.TemporaryDirectory(prefix="docket-bench-corpus-") as folder:
        corpus.write(Path(folder), documents)  # as a person would have them; read back from disk
        for document in documents:
            data = (Path(folder) / document.name).read_bytes()
            kind = kinds[document.kind]
            kind.documents += 1
            began = time.perf_counter()
            extraction = extract(data, document.media_type, settings=settings)
            kind.seconds.append(time.perf_counter() - began)
            kind.ocr_pages += extraction.ocr_pages
            results.append((document, extraction))
            if extraction.error:
                kind.errors.append(f"{document.name}: {extraction.error}")
            bare_text = ""
            if not args.no_baseline:
                began = time.perf_counter()
                bare_text = bare(document, settings)
                kind.bare_seconds.append(time.perf_counter() - began)
            answers = document.letter.answers
            assert answers is not None
            for address in answers.platform_addresses + answers.other_addresses:
                kind.targets += 1
                kind.survived += corpus.survives(address, extraction.text)
                kind.survived_joined += corpus.survives(address, extraction.text, joined=True)
                kind.bare_survived += corpus.survives(address, bare_text)
                kind.bare_survived_joined += corpus.survives(address, bare_text, joined=True)
            right, found = languages_right(document, extraction)
            language_right += right
            language_found += found
            language_total += len(document.expected_languages())
            documents_right += document.letter.language in extraction.languages
            right, total = links_right(document, extraction)
            links_ok += right
            links_total += total
    print(f"\n{'kind':<10} {'docs':>4} {'s/doc':>7} {'s/scanned page':>15} {'bare s/doc':>10} {'ratio':>6} "
          f"{'survival':>9} {'joined':>7} {'bare':>6} {'bare joined':>11}")
    summary: dict[str, Any] = {"documents": len(documents), "kinds": {}}
    for name, kind in kinds.items():
        mean = statistics.fmean(kind.seconds)
        bare_mean = statistics.fmean(kind.bare_seconds) if kind.bare_seconds else float("nan")
        per_page = sum(kind.seconds) / kind.ocr_pages if kind.ocr_pages else None
        per_page_text = f"{per_page:.2f}" if per_page else "-"
        if kind.bare_seconds:
            bare_columns = (f"{bare_mean:>10.3f} {mean / max(bare_mean, 1e-9):>6.1f}",
                            f"{kind.bare_survived / kind.targets:>6.3f} "
                            f"{kind.bare_survived_joined / kind.targets:>11.3f}")
        else:
            bare_columns = (f"{'-':>10} {'-':>6}", f"{'-':>6} {'-':>11}")
        print(f"{name:<10} {kind.documents:>4} {mean:>7.2f} {per_page_text:>15} {bare_columns[0]} "
              f"{kind.survived / kind.targets:>9.3f} {kind.survived_joined / kind.targets:>7.3f} {bare_columns[1]}")
        summary["kinds"][name] = {"documents": kind.documents, "seconds_per_document": round(mean, 3),
                                  "seconds_per_scanned_page": per_page and round(per_page, 3),
                                  "bare_seconds_per_document": round(bare_mean, 3),
                                  "survival": kind.survived / kind.targets,
                                  "survival_joined": kind.survived_joined / kind.targets,
                                  "bare_survival": kind.bare_survived / kind.targets}
        for error in kind.errors:
            print(f"    error: {error}")
    targets = sum(k.targets for k in kinds.values())
    survival = sum(k.survived for k in kinds.values()) / targets
    joined = sum(k.survived_joined for k in kinds.values()) / targets
    print(f"\naddress survival: {survival:.3f} as extracted, {joined:.3f} with whitespace taken out "
          f"({targets} target addresses)")
    print(f"paragraph languages: {language_right}/{language_found} right of those found "
          f"({language_found}/{language_total} found by their opening words) = "
          f"{language_right / max(language_found, 1):.3f}")
    print(f"document languages: the notice's own language named in {documents_right}/{len(documents)} = "
          f"{documents_right / len(documents):.3f}")
    print(f"translation links: {links_ok}/{links_total} = {links_ok / max(links_total, 1):.3f}")
    summary.update({"survival": survival, "survival_joined": joined,
                    "paragraph_language_accuracy": language_right / max(language_found, 1),
                    "document_language_accuracy": documents_right / len(documents),
                    "translation_links": links_ok / max(links_total, 1)})
    score_proposals(results, settings, misses=args.misses)
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
