"""``docket serve --demo``: a realistic desk to try, loaded into an empty database.

The demo's tokens and password are fixed and public, so the README's tour can use
them. Never load the demo into a database that serves real requests.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docket.parties import service as parties
from docket.parties.models import Submitter

ACTOR = "system:demo"
PASSWORD = "demo-password"

SUBMITTERS = [
    # (token, name, kind, country, email)
    ("dkt_demo_kz_ministry", "Ministry of Information and Social Development of the Republic of Kazakhstan",
     "government_agency", "KZ", "requests@misd.example.kz"),
    ("dkt_demo_de_court", "Landgericht Berlin", "court", "DE", "poststelle@lg-berlin.example.de"),
    ("dkt_demo_in_meity", "Ministry of Electronics and Information Technology (MeitY)",
     "government_agency", "IN", "blocking-cell@meity.example.in"),
    ("dkt_demo_tr_btk", "Bilgi Teknolojileri ve İletişim Kurumu (BTK)", "regulator", "TR",
     "ihbar@btk.example.tr"),
    ("dkt_demo_vn_mic", "Ministry of Information and Communications of Viet Nam",
     "government_agency", "VN", "abei@mic.example.vn"),
    ("dkt_demo_de_police", "Landeskriminalamt Berlin", "police", "DE", "internet@lka.example.de"),
    ("dkt_demo_flagger", "jugendschutz.net", "trusted_flagger", "DE", "hinweise@jugendschutz.example.net"),
]

USERS = [
    # (token, email, name, roles, jurisdictions)
    ("dkt_demo_admin", "admin@docket.example", "Ada Admin", ["admin"], []),
    ("dkt_demo_alice", "alice@docket.example", "Alice Reviewer", ["reviewer"], []),
    ("dkt_demo_bob", "bob@docket.example", "Bob Legal", ["legal", "reviewer"], []),
    ("dkt_demo_carol", "carol@docket.example", "Carol Rights", ["rights", "reviewer"], []),
    ("dkt_demo_dana", "dana@docket.example", "Dana Local Representative (KZ)",
     ["local_representative"], ["KZ"]),
    ("dkt_demo_emre", "emre@docket.example", "Emre Local Representative (TR)",
     ["local_representative"], ["TR"]),
    ("dkt_demo_erin", "erin@docket.example", "Erin Auditor", ["auditor"], []),
    ("dkt_demo_platform", "platform@docket.example", "Platform service account", ["platform"], []),
]


def load_demo(*, session: Session, base_url: str) -> str:
    """Fill an empty database with the demo; return what to try, for the console."""
    if session.execute(select(func.count()).select_from(Submitter)).scalar_one():
        return "[yellow]The database already has data; the demo was not loaded again.[/yellow]\n" + _howto(base_url)
    for token, name, kind, country, email in SUBMITTERS:
        submitter = parties.create_submitter(
            session=session, actor=ACTOR, name=name, kind=kind, country=country, email=email,
            verified=True,
        )
        parties.create_token(session=session, actor=ACTOR, submitter=submitter, name="demo", secret=token)
    for token, email, name, roles, jurisdictions in USERS:
        password = None if roles == ["platform"] else PASSWORD
        user = parties.create_user(
            session=session, actor=ACTOR, email=email, name=name, roles=roles,
            jurisdictions=jurisdictions, password=password,
        )
        parties.create_token(session=session, actor=ACTOR, user=user, name="demo", secret=token)
    return "[green]Demo loaded.[/green]\n" + _howto(base_url)


def _howto(base_url: str) -> str:
    lines = ["", "Submitters (API tokens):"]
    lines += [f"  {name[:60]:<60} {token}" for token, name, *_ in SUBMITTERS]
    lines += ["", f"Staff (password '{PASSWORD}' / API token):"]
    lines += [f"  {email:<26} {', '.join(roles):<28} {token}" for token, email, _, roles, _ in USERS]
    lines += [
        "",
        "Try:",
        f"  curl -s {base_url}/api/v1/me -H 'Authorization: Bearer dkt_demo_kz_ministry'",
        f"  curl -s {base_url}/api/v1/audit/events -H 'Authorization: Bearer dkt_demo_erin'",
        f"  open {base_url}/docs for the interactive API documentation",
        "",
    ]
    return "\n".join(lines)
