"""Pages in the reader's language: English, Russian, Kazakh, German and Turkish.

Which language a page is in: the person's saved preference (the switcher in the header
saves it), else ``?lang=``, else the language the switcher left in a cookie for someone
not signed in, else the browser's ``Accept-Language``, else English.

Catalogs are ``locale/<lang>/LC_MESSAGES/*.po`` beside this module (``messages.po``: the
portal and the shared chrome; ``console.po``: the staff console); the English
msgids are the English text. They are compiled in memory at first use (no build step, no
binaries in the repository), as the notices' are. Templates mark text with ``_("…")``
(``_("Request %(id)s", id=req.id)`` for values; the result is escaped like any value);
page code translates its flash messages with :func:`translator`."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request
from markupsafe import Markup, escape

LANGUAGES = ("en", "ru", "kk", "de", "tr")
# Each language by its own name, as the switcher shows it.
NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "de": "Deutsch", "tr": "Türkçe"}
DEFAULT = "en"
COOKIE = "docket_lang"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang``: every ``*.po`` of its ``LC_MESSAGES``, merged
    (``messages.po`` first, then the others by name, e.g. the console's ``console.po``).
    English, or a language without catalogs: the msgids."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    paths = sorted(folder.glob("*.po"), key=lambda p: (p.name != "messages.po", p.name))
    if lang == DEFAULT or not paths:
        return NullTranslations()
    merged: Translations | None = None
    for path in paths:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        part = Translations(fp=compiled)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    assert merged is not None
    return merged


def _known(value: str | None) -> str | None:
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else None


def accepted(header: str) -> str | None:
    """The first language of an ``Accept-Language`` header docket has, by quality."""
    choices = []
    for n, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, n, tag))
    for _q, _n, tag in sorted(choices):
        if (found := _known(tag.split("-")[0])) and _q < 0:
            return found
    return None


def negotiate(request: Request) -> str:
    """The language of the page answering ``request`` (see the module's docstring)."""
    user = getattr(request.state, "user", None)
    return (_known(getattr(user, "language", None)) or _known(request.query_params.get("lang"))
            or _known(request.cookies.get(COOKIE)) or accepted(request.headers.get("accept-language", ""))
            or DEFAULT)


def language(request: Request) -> str:
    """The request's language, worked out once."""
    lang = getattr(request.state, "lang", None)
    if lang is None:
        lang = request.state.lang = negotiate(request)
    return str(lang)


Translate = Callable[..., str]


def gettext_for(lang: str) -> Translate:
    """``_(msgid, **values)`` in ``lang``: the translation, with ``%(name)s`` filled in."""
    catalog = translations(lang)

    def _(message: str, **values: Any) -> str:
        text = catalog.gettext(message)
        return text % values if values else text
    return _


def translator(request: Request) -> Translate:
    """``_`` in the language of ``request`` (for flash messages and errors made in code)."""
    return gettext_for(language(request))


def tr(request: Request, message: str, **values: Any) -> str:
    """``message`` in the language of ``request``, with ``%(name)s`` filled in."""
    return translator(request)(message, **values)


def template_gettext(lang: str) -> Callable[..., Markup]:
    """``_`` for templates: the translation is trusted markup (written by us), the values
    filled in are escaped."""
    catalog = translations(lang)

    def _(message: str, context: str | None = None, **values: Any) -> Markup:
        # ``context``: the msgctxt of a word that reads differently elsewhere ("Subject" of a letter).
        found = catalog.pgettext(context, message) if context else catalog.gettext(message)
        text = Markup(found)  # noqa: S704 - our own catalogs' text
        return text % {k: escape(v) for k, v in values.items()} if values else text
    return _

