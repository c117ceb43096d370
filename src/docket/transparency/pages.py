"""The public transparency site: the period report with an archive of every published
period, per-country pages, and every table as a CSV or JSON download. Public (no sign-in),
no script, labels in en, ru, kk, de or tr (``?lang=``, else Accept-Language)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from docket import runtime
from docket.catalog import service as catalog
from docket.deps import AppSettings, Db
from docket.errors import NotFound
from docket.store import utcnow
from docket.transparency import aggregates, art15, checkpoints, render, site, snapshots, tables
from docket.transparency.api import pin_log
from docket.transparency.labels import LANG_NAMES, LANGS, Labels, choose, labels
from docket.transparency.periods import Period, latest_half_year, resolve

router = APIRouter(tags=["transparency"])

PeriodQ = Annotated[str | None, Query(max_length=16, description="2026, 2026-H1, 2026-Q3 or 2026-11",
                                      examples=["2026-H1"])]
DayQ = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD, the last day (included)",
                                   examples=["2026-06-30"])]
FromQ = Annotated[str | None, Query(alias="from", max_length=10, description="YYYY-MM-DD, the first day",
                                    examples=["2026-01-01"])]
LangQ = Annotated[str | None, Query(max_length=8, description="the page's language: en, ru, kk, de or tr",
                                    examples=["kk"])]
AcceptLanguage = Annotated[str | None, Header(max_length=500, description="the reader's languages",
                                              examples=["ru-RU,ru;q=0.9,en;q=0.5"])]
PeriodP = Annotated[str, Path(max_length=16, description="a published period: 2026-H1 (or 2026, 2026-Q3, 2026-11)",
                              examples=["2026-H1"])]
CountryP = Annotated[str, Path(max_length=16, description="an ISO 3166-1 alpha-2 code", examples=["KZ"])]
TableP = Annotated[str, Path(max_length=40, description="the table's name (docs/transparency-exports.md)",
                             examples=["google-detailed"])]
FormatP = Annotated[str, Path(max_length=8, description="csv or json", examples=["csv"])]
# Reports kept by the pages (docket.runtime.Runtime.transparency_reports).
REPORTS_KEPT = 16
HTML_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "a period not yet complete, or no such country or table"},
    422: {"description": "not a period"}}


def _page(html: str, lang: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": render.html_policy(), "Content-Language": lang,
                                       "Vary": "Accept-Language"})


def _site(request: Request, db: Db, t: Labels, period: Period, data: dict[str, Any]) -> dict[str, Any]:
    """The links of the period's page: archive, countries, downloads, languages."""
    base = f"/transparency/{period.label}"
    lang = f"?lang={t.lang}"
    countries = sorted({r["jurisdiction"] for r in data["requests"]}, key=t.country)
    return {"home": f"/transparency{lang}", "lang": t.lang, "langs": [(code, LANG_NAMES[code]) for code in LANGS],
            "period_href": f"{base}{lang}",
            "periods": [{"label": p.label, "href": f"/transparency/{p.label}{lang}"}
                        for p in site.published_periods(session=db, now=utcnow())],
            "countries": [(code, t.country(code)) for code in countries],
            "country_href": f"{base}/countries/", "downloads": [(title, f"{base}/downloads/{name}")
                                                              for name, title in tables.PERIOD_TABLES.items()]}


def _report(request: Request, db: Db, settings: AppSettings, period: Period) -> dict[str, Any]:
    """The period's report over a checkpoint of the log. A published half-year's is the one
    the worker stored (docket.transparency.snapshots; computed and stored here when none is
    yet), with ``stored`` (when it was published, computed, revised) and ``clocks`` (its
    countries' figures by statutory clock). Any other period's is computed once per size of
    the log and kept in memory: while no event is appended, every reader gets the figures
    already computed (they are the same: every change of state appends an event)."""
    now = utcnow()
    if snapshots.is_published(period, session=db, now=now):
        found = snapshots.read(factory=request.app.state.sessionmaker, reader=db,
                               signer=checkpoints.signer_of(settings), period=period, now=now)
        return {**found.report, "stored": found.note(), "clocks": found.clocks}
    db.rollback()  # the look-up began a transaction: the log's pin needs a fresh one
    log = pin_log(request, db, settings)
    cache = runtime.of(db).transparency_reports
    key = (period.label, int(log["size"]))
    data = cache.get(key)
    if data is None:
        data = {**aggregates.report(session=db, period=period, now=now), "log": log}
        if len(cache) >= REPORTS_KEPT:
            cache.clear()
        cache[key] = data
    return data


@router.get("/transparency", response_class=HTMLResponse, summary="The transparency report (the current period)",
            responses=HTML_RESPONSES)
def transparency_page(request: Request, db: Db, settings: AppSettings, period: PeriodQ = None,
                      start: FromQ = None, to: DayQ = None, lang: LangQ = None,
                      accept_language: AcceptLanguage = None) -> HTMLResponse:
    """The period report as one self-contained HTML page with SVG charts and their tables,
    the archive of published periods, the countries and the downloads; without a period,
    the latest complete half-year. Who: anyone."""
    chosen = latest_half_year(utcnow()) if not (period or start or to) else resolve(period=period, start=start, to=to)
    return _period_page(request, db, settings, chosen, lang, accept_language)


@router.get("/transparency/{period}", response_class=HTMLResponse, summary="One published period's report",
            responses=HTML_RESPONSES)
def transparency_period_page(request: Request, db: Db, settings: AppSettings, period: PeriodP,
                             lang: LangQ = None, accept_language: AcceptLanguage = None) -> HTMLResponse:
    """The report of one published period (see ``GET /transparency``). Who: anyone."""
    return _period_page(request, db, settings, site.published(label=period, now=utcnow()), lang, accept_language)


def _period_page(request: Request, db: Db, settings: AppSettings, period: Period, lang: str | None,
                 accept: str | None) -> HTMLResponse:
    if not period.complete(utcnow()):
        raise NotFound(f"the period {period.label} ends {period.end:%Y-%m-%d %H:%M} UTC; only complete periods "
                       "in the past are published")
    t = labels(choose(lang, accept))
    data = _report(request, db, settings, period)
    return _page(render.html(data, t=t, site=_site(request, db, t, period, data)), t.lang)


def _rows(rows: list[dict[str, Any]], key: str, label: Any) -> list[dict[str, Any]]:
    """``rows`` summed per ``key``: requests and items, with the key's label, largest first."""
    out: dict[str, list[int]] = {}
    for r in rows:
        f = out.setdefault(r[key], [0, 0])
        f[0], f[1] = f[0] + int(r["requests"]), f[1] + int(r["items"])
    return [{"code": k, "label": label(k), "requests": n, "items": i}
            for k, (n, i) in sorted(out.items(), key=lambda kv: (-kv[1][1], kv[0]))]


def _country(db: Db, data: dict[str, Any], period: Period, code: str, t: Labels) -> dict[str, Any]:
    requests = [r for r in data["requests"] if r["jurisdiction"] == code]
    outcomes = [r for r in data["outcomes"] if r["jurisdiction"] == code]
    periods = site.published_periods(session=db, now=utcnow())
    return {"code": code, "requests": sum(int(r["requests"]) for r in requests),
            "items": sum(int(r["items"]) for r in requests),
            "requesters": _rows(requests, "requester_kind", lambda k: t(f"kind.{k}")),
            "reasons": _rows(requests, "reason", lambda k: t(f"reason.{k}")),
            "outcomes": _rows(outcomes, "outcome", lambda k: t(f"outcome.{k}")),
            "clocks": (data["clocks"].get(code, []) if "clocks" in data
                       else site.clocks(session=db, period=period, country=code)),
            "trend": site.trend(session=db, periods=periods, country=code)}


@router.get("/transparency/{period}/countries/{country}", response_class=HTMLResponse,
            summary="One country's figures in a published period", responses=HTML_RESPONSES)
def transparency_country_page(request: Request, db: Db, settings: AppSettings, period: PeriodP, country: CountryP,
                              lang: LangQ = None, accept_language: AcceptLanguage = None) -> HTMLResponse:
    """A country's requests by requester kind, reason, outcome and statutory clock in one
    published period, and its requests across every published period. Who: anyone."""
    chosen = site.published(label=period, now=utcnow())
    code = site.country_code(country)
    t = labels(choose(lang, accept_language))
    data = _country(db, _report(request, db, settings, chosen), chosen, code, t)
    base = f"/transparency/{chosen.label}"
    links = {"home": f"/transparency?lang={t.lang}", "lang": t.lang,
             "langs": [(c, LANG_NAMES[c]) for c in LANGS], "period_href": f"{base}?lang={t.lang}",
             "self_href": f"{base}/countries/{code}?lang={t.lang}",
             "downloads": [(title, f"{base}/countries/{code}/downloads/{name}")
                           for name, title in tables.COUNTRY_TABLES.items()]}
    return _page(render.country_html(data, period=chosen.label, t=t, site=links), t.lang)


def _download(table: tables.Table | None, fmt: str, filename: str) -> Response:
    if table is None or fmt not in tables.FORMATS:
        raise NotFound(f"no download {filename!r}: see the page's list of downloads")
    body = tables.to_csv(table) if fmt == "csv" else tables.to_json(table)
    return Response(body, media_type=tables.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the table as CSV (a header row) or JSON (an array of objects)",
          "content": {"text/csv": {"schema": {"type": "string"}},
                      "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
    **HTML_RESPONSES}


@router.get("/transparency/{period}/downloads/{table}.{fmt}", summary="A table of a published period, as a file",
            response_class=Response, responses=DOWNLOAD_RESPONSES)
def transparency_download(request: Request, db: Db, settings: AppSettings, period: PeriodP, table: TableP,
                          fmt: FormatP) -> Response:
    """One table of the period report as CSV or JSON, including Google's summary, detailed
    and item-outcome files and the DSA Art. 15 tables. Who: anyone."""
    chosen = site.published(label=period, now=utcnow())
    if table not in tables.PERIOD_TABLES or fmt not in tables.FORMATS:
        raise NotFound(f"no download {table}.{fmt}: see the page's list of downloads")
    data = {} if table.startswith("art15-") else _report(request, db, settings, chosen)
    built = tables.period_table(
        table, data, government=catalog.kind_places(session=db).government,
        google=site.google_reasons(session=db), product=settings.platform_name,
        art15=lambda: art15.tables(session=db, period=chosen))
    return _download(built, fmt, f"docket-{chosen.label}-{table}.{fmt}")


@router.get("/transparency/{period}/countries/{country}/downloads/{table}.{fmt}",
            summary="A table of a country page, as a file", response_class=Response, responses=DOWNLOAD_RESPONSES)
def transparency_country_download(request: Request, db: Db, settings: AppSettings, period: PeriodP,
                                  country: CountryP, table: TableP, fmt: FormatP) -> Response:
    """One table of a country's page as CSV or JSON. Who: anyone."""
    chosen = site.published(label=period, now=utcnow())
    code = site.country_code(country)
    if table not in tables.COUNTRY_TABLES or fmt not in tables.FORMATS:
        raise NotFound(f"no download {table}.{fmt}: see the page's list of downloads")
    data = _country(db, _report(request, db, settings, chosen), chosen, code, labels("en"))
    return _download(tables.country_table(table, data), fmt, f"docket-{chosen.label}-{code}-{table}.{fmt}")
