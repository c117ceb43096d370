"""The msgids the translated pages use (what each page catalog, src/docket/web/locale,
must translate): the shared chrome, the portal's templates and the code that flashes or
titles them, and the words the portal's code hands its templates.

Adding a string: mark it with ``_()`` (``tr(request, …)`` in code), then run
``python -m tests.web.i18n_messages`` to list the msgids each catalog lacks."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract, extract_python
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

import docket
from docket.intake import portal_forms as words
from docket.web import i18n

PACKAGE_DIR = Path(docket.__file__).resolve().parent
TEMPLATES = ("web/templates/base.html", "web/templates/_language.html", "web/templates/sign_in.html",
             "web/templates/error.html", "intake/templates/portal", "documents/templates/documents/_list.html",
             "documents/templates/documents/_fields.html")
CODE = ("intake/pages.py", "intake/thread_pages.py", "intake/portal_forms.py")
# Titles of error pages (docket.errors), which error.html translates.
ERROR_TITLES = ("Authentication required", "Not allowed", "Not found", "Conflict", "Gone",
                "Request body too large", "Unsupported media type", "Invalid input", "Too many requests",
                "Method not allowed", "Error", "Bad request")
_JINJA = {"extensions": "jinja2.ext.i18n", "trimmed": "false", "newstyle_gettext": "true",
          "trim_blocks": "true", "lstrip_blocks": "true"}


def msgids() -> set[str]:
    found: set[str] = set(ERROR_TITLES)
    templates: list[Path] = []
    for name in TEMPLATES:
        path = PACKAGE_DIR / name
        templates.extend(sorted(path.glob("*.html")) if path.is_dir() else [path])
    for template in templates:
        with template.open("rb") as handle:
            found.update(_first(m) for _l, m, _c, _x in extract(babel_extract, handle, keywords={"_": None},
                                                               options=_JINJA))
    for name in CODE:
        with (PACKAGE_DIR / name).open("rb") as handle:
            found.update(_first(m) for _l, m, _c, _x in extract(extract_python, handle,
                                                               keywords={"_": None, "tr": (2,)}))
    for table in (words.STATUS_WORDS, words.STATE_WORDS, words.OUTCOME_WORDS, words.APPELLANT_WORDS,
                  words.MISSING_WORDS):
        found.update(table.values())
    return {m for m in found if m}


def _first(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


def missing(lang: str) -> list[str]:
    """The msgids ``lang``'s catalog does not translate (a translation may equal its msgid:
    "Portal" is "Portal" in German)."""
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return sorted(m for m in msgids() if not (m in catalog and catalog[m].string))


if __name__ == "__main__":
    for lang in i18n.LANGUAGES[1:]:
        print(lang, len(missing(lang)))
