"""Rendering of the notices docket sends: subject, plain text and HTML, per language.

Every notice ``kind`` has three Jinja2 templates under ``templates/<kind>/``:
``subject.txt``, ``body.txt`` (the plain-text part) and ``body.html`` (the HTML part,
extending ``_base.html``). Shared wording — outcomes, sources, scopes, missing fields —
lives in the macros of ``_phrases.jinja``, so that every user-facing string sits in a
template, where the Babel extractor finds it.

Translations are Babel message catalogs, ``locale/<lang>/LC_MESSAGES/messages.po``; the
English msgids are the English text. The catalogs are compiled to ``.mo`` in memory at
first use (no build step, no binaries in the repository) and cached per process.

Adding or changing a string: edit the template, then add the msgid with its
translation to each ``messages.po`` (``extract_messages()`` lists what the templates
use; ``tests/notices/test_render.py`` fails until every catalog has every string).
With pybabel: ``pybabel extract -F src/docket/notices/locale/babel.cfg -o /tmp/messages.pot
src/docket/notices/templates`` then ``pybabel update -i /tmp/messages.pot -d
src/docket/notices/locale`` (the mapping file sets the options the renderer uses).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

__all__ = ["LANGUAGES", "KINDS", "Rendered", "render", "extract_messages"]

LANGUAGES = ("en", "ru", "kk", "de", "tr")
DEFAULT_LANGUAGE = "en"

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
LOCALE_DIR = HERE / "locale"
TEMPLATE_SUFFIXES = (".html", ".txt", ".jinja")

# Outcomes of one item (docket.items.states.Outcome); None means still under review.
ITEM_OUTCOMES = frozenset({"restricted", "removed_policy", "no_action", "rejected_invalid",
                           "rejected_overbroad", "already_removed", "content_not_found"})
SOURCES = frozenset({"authority", "organisation", "trusted_flagger", "user_report", "own_initiative"})



@dataclass(frozen=True)
class _Kind:
    required: tuple[str, ...]  # must be present and not None
    optional: tuple[str, ...] = ()  # may be missing or None (missing becomes None)
    choices: tuple[tuple[str, frozenset[Any]], ...] = ()  # allowed values of some keys


_KINDS: dict[str, _Kind] = {
    "statement_of_reasons": _Kind(
        required=("platform", "content_id", "outcome", "scope", "decided_at", "ground", "explanation",
                  "source", "appeal_url", "appeal_deadline", "reference"),
        optional=("content_url", "ends_at", "law", "provision", "policy_clause", "authority_name",
                  "authority_kind", "automated", "account"),
        choices=(("outcome", frozenset({"restricted", "removed_policy"})),
                 ("ground", frozenset({"legal", "policy"})),
                 ("source", SOURCES)),
    ),
    "effect_given": _Kind(
        required=("platform", "request_id", "items"),
        # measures: what was decided on each measure asked for (none: the items say it all);
        # jurisdiction: where a measure's fallback withholds.
        optional=("reference", "authority_name", "measures", "jurisdiction"),
    ),
    "acknowledgement": _Kind(
        required=("platform", "request_id", "received_at", "items_count", "status"),
        optional=("reference", "deadline_at", "missing"),
        # decided: a request for user data only, referred at receipt (nothing to review).
        choices=(("status", frozenset({"open", "needs_clarification", "decided"})),),
    ),
    "clarification_requested": _Kind(
        required=("platform", "request_id", "position", "question"),
        optional=("reference", "url", "content_id"),
    ),
    "request_message": _Kind(required=("platform", "request_id", "body"), optional=("reference",)),
    "reporter_outcome": _Kind(
        required=("platform", "report_reference"),
        optional=("content_url", "outcome", "scope", "decided_at", "explanation", "appeal_url",
                  "appeal_deadline"),
        choices=(("outcome", ITEM_OUTCOMES | {None}),),
    ),
    "appeal_received": _Kind(
        required=("platform", "appeal_id", "received_at"),
        optional=("decision_reference",),
    ),
    "appeal_decided": _Kind(
        required=("platform", "appeal_id", "outcome"),
        optional=("explanation", "content_url", "decided_at"),
        choices=(("outcome", frozenset({"upheld", "reversed"})),),
    ),
    "restriction_lifted": _Kind(
        required=("platform", "lifted_at"),
        optional=("content_url", "content_id", "scope", "reason"),
    ),
}
KINDS = tuple(_KINDS)

_ITEM_KEYS = ("position", "url", "content_id", "outcome", "scope", "decided_at", "reason")
# A measure asked for (docket.intake.models.Measure), and review's answer (None: not yet).
MEASURE_KINDS = frozenset({"restrict_content", "remove_global", "restrict_account", "disclose_data", "preserve_data"})
MEASURE_OUTCOMES = frozenset({"granted", "fallback", "refused", "referred"})
_MEASURE_KEYS = ("position", "kind", "scope", "account", "outcome", "explanation", "referral", "item_position")

# Inline styles of the HTML part (mail clients drop <style> blocks and external sheets).
CSS = {
    "body": "margin:0;padding:0;background-color:#f3f4f6;",
    "card": ("max-width:680px;margin:0 auto;padding:24px;background-color:#ffffff;color:#111827;"
             "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;"),
    "h1": "font-size:20px;line-height:1.3;margin:0 0 16px 0;",
    "h2": "font-size:16px;line-height:1.3;margin:24px 0 8px 0;",
    "p": "margin:0 0 12px 0;",
    "quote": ("margin:0 0 12px 0;padding:8px 12px;border-left:3px solid #d1d5db;background-color:#f9fafb;"
              "white-space:pre-wrap;"),
    "facts": "border-collapse:collapse;margin:0 0 16px 0;",
    "label": "padding:2px 16px 2px 0;color:#4b5563;vertical-align:top;white-space:nowrap;",
    "value": "padding:2px 0;vertical-align:top;word-break:break-word;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 16px 0;font-size:14px;",
    "th": ("text-align:left;padding:6px 8px;border-bottom:2px solid #d1d5db;background-color:#f9fafb;"
           "vertical-align:bottom;"),
    "td": "padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;word-break:break-word;",
    "list": "margin:0 0 12px 0;padding-left:24px;",
    "a": "color:#1d4ed8;",
    "footer": "margin:24px 0 0 0;padding-top:12px;border-top:1px solid #e5e7eb;font-size:13px;color:#6b7280;",
}

_ENV_OPTIONS: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": False}
# The same options for the Babel/Jinja2 extractor (string values, as in a babel.cfg).
EXTRACT_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "trimmed": "true",
                   "newstyle_gettext": "true", "silent": "false"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # the plain-text part
    html: str  # the HTML part (a complete small HTML document, inline CSS only, no external resources)
    language: str  # the language actually used (fallback "en")


def render(kind: str, language: str | None, context: dict[str, Any]) -> Rendered:
    """Render the notice ``kind`` in ``language`` (English when not one of LANGUAGES).

    Raises ValueError for an unknown kind, a missing required context key or a value
    outside its allowed set.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown notice kind {kind!r}; known: {', '.join(KINDS)}")
    lang = _language(language)
    values = _prepare(kind, context)
    env = _environment(lang)
    try:
        subject = " ".join(env.get_template(f"{kind}/subject.txt").render(values).split())
        text = _tidy_text(env.get_template(f"{kind}/body.txt").render(values))
        html = env.get_template(f"{kind}/body.html").render({**values, "subject": subject}).strip() + "\n"
    except TemplateError as exc:  # a context value of the wrong shape
        raise ValueError(f"cannot render {kind!r}: {exc}") from exc
    return Rendered(subject=subject, text=text, html=html, language=lang)


# ---------------------------------------------------------------- context


def _plain(value: Any) -> Any:
    """Enum members (e.g. StrEnum outcomes) as their plain values."""
    return value.value if isinstance(value, Enum) else value


def _prepare(kind: str, context: dict[str, Any]) -> dict[str, Any]:
    spec = _KINDS[kind]
    values = {key: _plain(value) for key, value in context.items()}
    missing = [key for key in spec.required if values.get(key) is None]
    if missing:
        raise ValueError(f"{kind}: missing context value(s): {', '.join(missing)}")
    for key in spec.optional:
        values.setdefault(key, None)
    for key, allowed in spec.choices:
        if values[key] not in allowed:
            raise ValueError(f"{kind}: {key}={values[key]!r} is not one of "
                             f"{sorted(str(v) for v in allowed if v is not None)}")
    if values.get("scope") is not None:
        values["scope"] = _codes(values["scope"])
    if kind == "statement_of_reasons":
        values["automated"] = bool(values["automated"])
        if values["outcome"] == "restricted" and not values["scope"]:
            raise ValueError("statement_of_reasons: a restriction needs its territorial scope")
    elif kind == "effect_given":
        items = []
        for raw in values["items"]:
            item = {key: _plain(raw.get(key)) for key in _ITEM_KEYS}
            if item["outcome"] is not None and item["outcome"] not in ITEM_OUTCOMES:
                raise ValueError(f"effect_given: item outcome {item['outcome']!r} is not one of "
                                 f"{sorted(ITEM_OUTCOMES)}")
            if item["scope"] is not None:
                item["scope"] = _codes(item["scope"])
            items.append(item)
        values["items"] = items
        values["measures"] = [_measure(raw) for raw in values["measures"] or ()]
    elif kind == "acknowledgement":
        values["missing"] = [_missing_field(str(field)) for field in values["missing"] or ()]
    return values


def _measure(raw: dict[str, Any]) -> dict[str, Any]:
    measure = {key: _plain(raw.get(key)) for key in _MEASURE_KEYS}
    if measure["kind"] not in MEASURE_KINDS:
        raise ValueError(f"effect_given: measure kind {measure['kind']!r} is not one of {sorted(MEASURE_KINDS)}")
    if measure["outcome"] is not None and measure["outcome"] not in MEASURE_OUTCOMES:
        raise ValueError(f"effect_given: measure outcome {measure['outcome']!r} is not one of "
                         f"{sorted(MEASURE_OUTCOMES)}")
    measure["scope"] = _codes(measure["scope"] or [])
    return measure


def _codes(scope: Any) -> list[str]:
    """A scope as a list of codes ("KZ" alone is read as ["KZ"], not as two letters)."""
    if isinstance(scope, str):
        scope = [scope]
    return [str(_plain(code)) for code in scope]


_ITEM_FIELD = re.compile(r"^items\[(\d+)\]\.(\w+)$")


def _missing_field(field: str) -> dict[str, Any]:
    """``items[3].url`` → {"field": "items.url", "position": 3, "raw": ...}."""
    match = _ITEM_FIELD.match(field)
    if match:
        return {"field": f"items.{match.group(2)}", "position": int(match.group(1)), "raw": field}
    return {"field": field, "position": None, "raw": field}


def _language(language: str | None) -> str:
    """The catalog to use: the primary subtag of ``language`` if docket has it, else English."""
    if not language:
        return DEFAULT_LANGUAGE
    primary = str(language).strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


# ---------------------------------------------------------------- formatting


def _utc(value: datetime) -> datetime:
    """Naive datetimes are UTC (docket stores UTC); aware ones are converted to UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _as_moment(value: Any) -> date | datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if not isinstance(value, date):
        raise ValueError(f"not a date or datetime: {value!r}")
    return value


# Babel parses a locale given by name on every call, several times per date; the parsed Locale
# (immutable) and the datetime pattern are kept per language instead.
@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@cache
def _datetime_pattern(lang: str) -> str:
    return re.sub(r"'([^']*)'", r"\1", str(get_datetime_format("long", locale=_locale(lang))))


def format_day(value: Any, lang: str) -> str:
    """A date (or the UTC day of a datetime) in the locale's long format."""
    value = _as_moment(value)
    if isinstance(value, datetime):
        value = _utc(value).date()
    return format_date(value, format="long", locale=_locale(lang))


def format_moment(value: Any, lang: str) -> str:
    """A datetime as the locale's long date and short time, in UTC; a date as a long date."""
    value = _as_moment(value)
    locale = _locale(lang)
    if not isinstance(value, datetime):
        return format_date(value, format="long", locale=locale)
    value = _utc(value)
    day = format_date(value.date(), format="long", locale=locale)
    time = format_time(value.time(), format="short", locale=locale) + " UTC"
    return _datetime_pattern(lang).replace("{1}", day).replace("{0}", time)


def country_name(code: str, lang: str) -> str:
    """The name of an ISO 3166 territory in ``lang``, or the code itself when unknown."""
    return str(_locale(lang).territories.get(str(code).strip().upper(), str(code)))


def format_countries(codes: Iterable[str] | None, lang: str) -> str:
    names: list[str] = []
    for code in codes or ():
        name = country_name(code, lang)
        if code != "*" and name not in names:
            names.append(name)
    return format_list(names, locale=_locale(lang)) if names else ""


def is_everywhere(scope: Iterable[str] | None) -> bool:
    return scope is not None and "*" in scope


def safe_href(url: Any) -> str | None:
    """``url`` when it may be a link target (http, https, mailto), else None."""
    if not url:
        return None
    text = str(url).strip()
    return text if re.match(r"^(https?://|mailto:)", text, re.IGNORECASE) else None


# ---------------------------------------------------------------- catalogs and environments


@cache
def _translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (English needs none: msgids are English)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def _bind(function: Callable[[Any, str], Any], lang: str) -> Callable[[Any], Any]:
    return lambda value: function(value, lang)


@cache
def _environment(lang: str) -> Environment:
    """One environment per language, with that language's catalog and formatters installed."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        # The templates ship with the package: no file-system check on every get_template
        # (each one stat()s the template and the ones it extends).
        auto_reload=False,
        **_ENV_OPTIONS,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(_translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update({
        "day": _bind(format_day, lang),
        "moment": _bind(format_moment, lang),
        "countries": _bind(format_countries, lang),
        "href": safe_href,
    })
    env.tests["everywhere"] = is_everywhere
    env.globals.update({"lang": lang, "css": CSS, "phrase": _phrase_function(env)})
    return env


PHRASES_TEMPLATE = "_phrases.jinja"


def _phrase_function(env: Environment) -> Callable[..., str]:
    """``phrase(name, *args)``: call a macro of ``_phrases.jinja`` and get plain text back.

    A Jinja2 macro takes the escaping mode of its caller, so a plain-text macro called
    straight from an HTML template would come back marked safe without having escaped its
    values (an authority's name, a country such as "Bosnia & Herzegovina"). Called from
    Python, the macro runs in its own (plain-text) mode and returns a ``str``, which the
    HTML templates then escape like any other value and the text templates print as is.
    """

    def phrase(name: str, *args: Any, **kwargs: Any) -> str:
        macro = getattr(env.get_template(PHRASES_TEMPLATE).module, name, None)
        if macro is None or name.startswith("_"):
            raise ValueError(f"no phrase {name!r} in {PHRASES_TEMPLATE}")
        return str.__str__(macro(*args, **kwargs))

    return phrase


def extract_messages() -> dict[str | tuple[str, str], list[str]]:
    """Every msgid the templates use (a (singular, plural) pair for plurals), with where it is used."""
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    found: dict[str | tuple[str, str], list[str]] = {}
    for path in sorted(TEMPLATES_DIR.rglob("*")):
        if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
            continue
        with path.open("rb") as handle:
            # jinja2's and babel's type hints for an extractor disagree; babel calls it as jinja2 defines it.
            for lineno, message, _comments, _context in extract(babel_extract, handle,  # type: ignore[arg-type]
                                                                 options=EXTRACT_OPTIONS):
                key = message if isinstance(message, str) else (message[0], message[1])
                found.setdefault(key, []).append(f"{path.relative_to(TEMPLATES_DIR)}:{lineno}")
    return found
