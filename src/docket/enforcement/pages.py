"""The withheld-notice preview: what a viewer in one country sees for one piece of content.

It asks the same in-memory visibility index as ``GET /api/v1/visibility`` and words the
notice with the same function (``api.verdict_body``), so the page shows exactly what the
platform is told to show that viewer — no more (not the list of other countries, nor who
asked)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from docket.catalog.service import country_name
from docket.enforcement.api import COUNTRIES, restriction_index, verdict_body
from docket.enforcement.withheld import LANGUAGES
from docket.web.auth import MaybeUser
from docket.web.render import add_template_package, page

router = APIRouter(include_in_schema=False)
add_template_package("docket.enforcement")

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақ тілі", "de": "Deutsch",
                  "tr": "Türkçe"}
# The demo (docket serve --demo): a Berlin court's order withheld this post in Germany.
DEMO = {"content_id": "post-55102", "country": "DE", "lang": "de"}
KIND_WORDS = {
    "legal_demand": "withheld in response to a legal demand (an authority's order or request)",
    "local_law": "withheld under local law, after a report by a user or a trusted flagger",
    "policy": "removed for breaking the platform's rules, everywhere",
}


@cache
def _countries() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in COUNTRIES), key=lambda c: c[1])


@router.get("/withheld", response_class=HTMLResponse)
async def withheld(request: Request, user: MaybeUser) -> Response:
    """What a viewer in ``country`` sees instead of ``content_id`` (query: ``content_id``,
    ``country``, optional ``lang``); without them, a form to choose. Who: anyone."""
    params = request.query_params
    values = {"content_id": params.get("content_id", "").strip(),
              "country": params.get("country", "").strip().upper(),
              "lang": params.get("lang", "").strip().lower() or "en"}
    errors: dict[str, str] = {}
    asked = "content_id" in params or "country" in params
    if asked:
        if not values["content_id"]:
            errors["content_id"] = "enter the platform's id of the content, e.g. post-55102"
        elif len(values["content_id"]) > 200:
            errors["content_id"] = "at most 200 characters"
        if values["country"] and values["country"] not in COUNTRIES:
            errors["country"] = "choose a country from the list"
        if values["lang"] not in LANGUAGES:
            errors["lang"] = "choose one of the languages in the list"
    context: dict[str, Any] = {
        "values": values, "errors": errors, "countries": _countries(),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES], "demo": DEMO,
        "answer": None,
    }
    if asked and not errors:
        country = values["country"] or None
        verdict = restriction_index(request).check(values["content_id"], country)
        answer = verdict_body(values["content_id"], country, verdict, values["lang"])
        context.update(
            answer=answer,
            country_label=country_name(country) if country else "an unknown country",
            kind_words=KIND_WORDS.get(answer["notice"]["kind"]) if answer["notice"] else None,
            other_languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES
                             if code != values["lang"]],
        )
    return page(request, "public/withheld.html", context, status=422 if errors else 200,
                title="How a withheld notice looks")
