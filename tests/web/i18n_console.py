"""The msgids of the staff console (what ``locale/ru/LC_MESSAGES/console.po`` must translate):
the console's templates that mark their text with ``_()``, and the titles its page code
gives with ``tr(request, …)``, and the labels of states, outcomes, findings, steps and
risk flags its code hands them.

Adding a template or a string: mark it with ``_()``, add the template to ``TEMPLATES``, then
run ``python -m tests.web.i18n_console`` to list the msgids the Russian catalog lacks."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract, extract_python
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from docket.appeals import queue_pages
from docket.documents import pages as document_pages
from docket.intake import draft_pages, portal_forms
from docket.review import console, inbox_pages, search, service, team_pages
from docket.web import i18n
from tests.web.i18n_messages import _JINJA, PACKAGE_DIR, _first

CONSOLE = "review/templates/console/"
TEMPLATES = tuple(CONSOLE + name for name in (
    "macros.html", "queue.html", "item.html", "_assignment.html", "_context.html", "_discussion.html",
    "_rights_recorded.html", "_messages.html", "_template_choice.html", "approvals.html", "appeals.html",
    "request.html", "order.html", "mentions.html", "views.html", "teams.html", "bulk_results.html", "_copy.html",
    "dashboard.html", "templates.html", "template.html", "messages.html", "reports.html",
)) + ("documents/templates/documents/_console.html", "documents/templates/documents/inbox.html",
      "documents/templates/documents/inbox_entry.html", "documents/templates/documents/read.html",
      "intake/templates/intake/draft.html", "audit/templates/audit/_nav.html", "audit/templates/audit/log.html",
      "audit/templates/audit/checkpoints.html",
      # Of the admin pages, so far only the law form's choice of automated copies.
      "catalog/templates/admin/laws.html")
# Page code that titles the console's pages and words its flash messages with ``tr(request, …)``
# (or ``_(…)`` from ``translator(request)``).
CODE = ("review/pages.py", "review/inbox_pages.py", "review/desk_pages.py", "review/context_pages.py",
        "review/team_pages.py", "review/flow_pages.py", "review/console.py", "documents/pages.py",
        "intake/draft_pages.py", "audit/pages.py", "appeals/queue_pages.py")
# Labels the console's code hands its templates, which translate them with ``_(label)``.
LABELS = (console.STATES, console.OUTCOMES, console.FINDING_LABELS, console.STEP_LABELS, console.FLAG_LABELS,
          console.APPROVAL_REASONS, inbox_pages.MEASURE_KINDS, inbox_pages.MEASURE_OUTCOMES,
          dict(portal_forms.AUTHORITY_KINDS), dict(draft_pages.MEASURES), document_pages.KIND_WORDS,
          document_pages.TYPE_WORDS, document_pages.CHANNEL_WORDS, document_pages.STATUS_WORDS,
          document_pages.INBOX_FILTERS, queue_pages.APPEAL_FILTERS, queue_pages.WHOSE, dict(team_pages.ROLES))
# Words the console's code hands its templates one by one: the queue's order in words, the
# "claimed" filter's options.
WORDS = (service.QUEUE_RULE, search.DEADLINE_RULE, "Claimed by me", "Not claimed")
# The time left on a clock (review.console.clock): its spans, as the console's macros ask for them.
CLOCK = ("%(days)s d %(hours)s h", "%(hours)s h %(minutes)s min", "%(minutes)s min")
# The languages whose console is translated (the others show the console in English).
LANGUAGES = ("ru",)


def msgids() -> set[str]:
    found: set[str] = set(CLOCK) | set(WORDS)
    for name in TEMPLATES:
        with (PACKAGE_DIR / name).open("rb") as handle:
            found.update(_first(m) for _l, m, _c, _x in extract(babel_extract, handle, keywords={"_": None},
                                                               options=_JINJA))
    for name in CODE:
        with (PACKAGE_DIR / name).open("rb") as handle:
            found.update(_first(m) for _l, m, _c, _x in extract(extract_python, handle,
                                                               keywords={"tr": (2,), "_": None, "say": None}))
    for table in LABELS:
        found.update(table.values())
    return {m for m in found if m}


def catalog_path(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "console.po"


def missing(lang: str) -> list[str]:
    """The console's msgids that neither of ``lang``'s catalogs translates."""
    translated: set[str] = set()
    for path in (catalog_path(lang), i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"):
        with path.open("rb") as handle:
            translated.update(str(m.id) for m in read_po(handle, locale=lang) if m.id and m.string)
    return sorted(msgids() - translated)


if __name__ == "__main__":
    for lang in LANGUAGES:
        print(lang, len(missing(lang)))
        for message in missing(lang):
            print("  ", message)
