"""``docket serve --demo``: a realistic desk to try, loaded into an empty database.

The demo's tokens and password are fixed and public, so the README's tour can use
them. Never load the demo into a database that serves real requests.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from docket import audit, demo_appealsq, demo_copies, demo_periods, demo_portal, demo_queue, effects
from docket.appeals import service as appeals
from docket.audit import sealer
from docket.audit.log_service import default_origin
from docket.content import service as content
from docket.content.schemas import ContentUpsert
from docket.demo_context import load_item_context
from docket.demo_portal import OFFICIAL
from docket.documents import inbox
from docket.documents import service as documents
from docket.documents.models import Channel as InboxChannel
from docket.documents.models import Document
from docket.intake import submission as intake
from docket.intake.models import Channel, Item
from docket.intake.schemas import RequestCreate
from docket.log.note import Signer
from docket.outbox.models import OutboxMessage
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role, Submitter
from docket.review import flow_demo
from docket.review import service as review
from docket.review.models import Decision
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.store import utcnow

ACTOR = "system:demo"
PASSWORD = "demo-password"
DEMO_LOG_KEY = "docket-log.key"  # the verifiable log's signing key, when DOCKET_LOG_KEY_FILE is unset

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
    # A national CERT: not a government in the reports, and it sends notices, not orders
    # (both the catalog's word on its kind; see `docket kind list`).
    ("dkt_demo_sg_cert", "Singapore Computer Emergency Response Team (SingCERT)", "national_cert", "SG",
     "singcert@csa.example.sg"),
    ("dkt_demo_ru_rkn", "Federal Service for Supervision of Communications (Roskomnadzor)", "regulator", "RU",
     "zapros@rkn.example.ru"),
    ("dkt_demo_es_gc", "Guardia Civil — Grupo de Delitos Telemáticos", "police", "ES", "gdt@guardiacivil.example.es"),
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
    ("dkt_demo_priya", "priya@docket.example", "Priya Chief Compliance Officer (IN)",
     ["local_representative"], ["IN"]),
    ("dkt_demo_frank", "frank@docket.example", "Frank Appeals", ["legal", "reviewer"], []),
    ("dkt_demo_erin", "erin@docket.example", "Erin Auditor", ["auditor"], []),
    ("dkt_demo_platform", "platform@docket.example", "Platform service account", ["platform"], []),
]

PEOPLE = [
    # (submitter token, e-mail, name): officials who sign in to the portal
    ("dkt_demo_kz_ministry", "aigerim@misd.example.kz", "Aigerim Nurlanovna, Head of Online Monitoring"),
    ("dkt_demo_de_court", "richterin.weber@lg-berlin.example.de", "Richterin Weber, 27. Zivilkammer"),
    ("dkt_demo_tr_btk", "mehmet@btk.example.tr", "Mehmet Yılmaz, İhbar Merkezi"),
    ("dkt_demo_flagger", "analyst@jugendschutz.example.net", "Jana Analyst, jugendschutz.net"),
]


CONTENT = [
    # (id, url, type, author, language, text)
    ("post-81723", "https://social.example/@aidos_k/81723", "post", "aidos_k", "kk",
     "Cartoon of the minister with a caption mocking the new media law."),
    ("post-81724", "https://social.example/@aidos_k/81724", "post", "aidos_k", "ru",
     "Call to join an unauthorised rally on the central square at 18:00."),
    ("post-90211", "https://social.example/@steppe_news/90211", "video", "steppe_news", "ru",
     "Report on a court case against local officials."),
    ("post-55102", "https://social.example/@berlin_watch/55102", "post", "berlin_watch", "de",
     "Claims a named businessman bribed a district mayor; no sources given."),
    ("post-77310", "https://social.example/@desi_daily/77310", "image", "desi_daily", "hi",
     "Edited image presented as a photo of communal violence."),
    ("post-66001", "https://social.example/@istanbul_voice/66001", "post", "istanbul_voice", "tr",
     "Threatens a named journalist with death and posts her home address."),
    ("post-44120", "https://social.example/@saigon_talk/44120", "post", "saigon_talk", "vi",
     "Criticism of a provincial land-use decision."),
    ("post-30001", "https://social.example/@anon_2291/30001", "image", "anon_2291", "de",
     "Image reported as sexualised depiction of a minor."),
    ("acct-bully99", "https://social.example/@bully99", "account", "bully99", "kk",
     "Account sending insults to a schoolgirl every day."),
    ("post-88001", "https://social.example/@secure_bank_sg/88001", "post", "secure_bank_sg", "en",
     "“Your account is locked: sign in here to keep it” with a link to a look-alike bank page."),
    # A user's own site on the platform (DOCKET_PLATFORM_HOSTS: *.pages.social.example).
    ("site-dbs-verify", "https://dbs-verify.pages.social.example/", "other", "dbs_verify", "en",
     "A copy of a bank's sign-in page that sends what is typed to a third party."),
    ("post-90311", "https://social.example/@ural_voice/90311", "post", "ural_voice", "ru",
     "Invitation to a protest against a new landfill outside Yekaterinburg on Saturday."),
    ("post-90314", "https://social.example/@ural_voice/90314", "video", "ural_voice", "ru",
     "Video from last week's landfill protest, with the route of the next one."),
    ("post-3321", "https://social.example/@docs_express/3321", "post", "docs_express", "es",
     "Offers Spanish identity cards and residence permits “indistinguishable from real ones”."),
]

REQUESTS: list[tuple[str, dict[str, Any]]] = [
    # (submitter token, request body)
    ("dkt_demo_kz_ministry", {
        "jurisdiction": "KZ", "reference": "MISD-2026/1187", "reason": "government_criticism",
        "legal_basis": [{"law": "kz-online-platforms-9", "provision": "Art. 9(2)"}],
        "explanation": "The publication insults the honour of a public official (Criminal Code Art. 378).",
        "issuing_officer": {"name": "A. Nurpeissova", "title": "Head of the Media Monitoring Department"},
        "language": "ru",
        "items": [{"content_id": "post-81723"}, {"url": "https://social.example/@aidos_k/81724?utm_source=tg"}],
    }),
    ("dkt_demo_kz_ministry", {
        "jurisdiction": "KZ", "reference": "MISD-2026/1203", "reason": "cyberbullying",
        "explanation": "Systematic harassment of a minor; the parents complained to the ministry.",
        "order": {"number": "MISD-2026/1203", "date": "2026-11-20",
                  "deadline": "в течение 24 (двадцати четырёх) часов"},
        # The account blocked in Kazakhstan (the account becomes the request's item), its
        # owner's data disclosed (not this desk's: referred), and the posts, unlisted.
        "measures": [{"kind": "restrict_account", "account": "acct-bully99"},
                     {"kind": "disclose_data", "account": "acct-bully99",
                      "note": "registration data and sign-in IP addresses since 2026-11-01"}],
        "other_items": "все публикации учётной записи @bully99 с оскорблениями несовершеннолетней, их копии и репосты",
        "language": "kk",
    }),
    ("dkt_demo_kz_ministry", {
        "jurisdiction": "KZ", "reference": "MISD-2026/1210", "reason": "national_security",
        "legal_basis": [{"law": "kz-informatization-18-2"}],
        "explanation": "Coverage of a closed trial.", "confidential": True,
        "confidentiality_basis": "Criminal Procedure Code Art. 201: secrecy of the pre-trial investigation.",
        "language": "ru", "items": [{"url": "https://social.example/@steppe_news/90211"},
                                    {"url": "https://social.example/"}],
    }),
    ("dkt_demo_de_court", {
        "jurisdiction": "DE", "reference": "27 O 412/26", "reason": "defamation",
        "legal_basis": [{"citation": "§§ 823, 1004 BGB analog; § 186 StGB"}],
        "explanation": "Preliminary injunction: the statement of fact is untrue and defamatory.",
        "issuing_officer": {"name": "Dr. K. Weber", "title": "Vorsitzende Richterin"},
        "order": {"court": "Landgericht Berlin, Zivilkammer 27", "case_number": "27 O 412/26",
                  "date": "2026-11-18"},
        "language": "de", "items": [{"content_id": "post-55102"}],
    }),
    ("dkt_demo_in_meity", {
        "jurisdiction": "IN", "reference": "MeitY/69A/2026/311", "reason": "hate_speech",
        "legal_basis": [{"law": "in-it-rules-3-1-d"}, {"law": "in-it-act-69a"}],
        "explanation": "Fabricated image likely to incite communal violence.", "language": "en",
        "items": [{"content_id": "post-77310"}],
    }),
    ("dkt_demo_tr_btk", {
        "jurisdiction": "TR", "reference": "BTK-2026-88412", "reason": "violence",
        "legal_basis": [{"law": "tr-5651-8-a"}, {"law": "tr-5651-9"}],
        "explanation": "Death threat against a journalist with her home address.",
        "confidential": True,
        "confidentiality_basis": "Istanbul prosecutor's secrecy order 2026/4471 (CMK Art. 157) on the investigation.",
        "emergency": True, "emergency_explanation": "Imminent risk to the life of the named journalist.",
        # BTK transmits the decision an Istanbul criminal judgeship of peace approved.
        "order": {"issuing_authority": {"name": "İstanbul 5. Sulh Ceza Hakimliği", "kind": "court", "country": "TR"},
                  "court": "İstanbul 5. Sulh Ceza Hakimliği", "case_number": "2026/8123 D. İş",
                  "number": "BTK-2026-88412", "date": "2026-11-16",
                  "deadline": "derhal, en geç 4 (dört) saat içinde"},
        "language": "tr", "items": [{"content_id": "post-66001"}],
    }),
    ("dkt_demo_vn_mic", {
        "jurisdiction": "VN", "reference": "MIC-2026-5521", "reason": "government_criticism",
        "legal_basis": [{"law": "vn-decree-147"}],
        "explanation": "Content opposing the State (Decree 147 Art. 8).", "language": "vi",
        "items": [{"content_id": "post-44120"}],
    }),
    # A CERT's phishing notice, written as CERTs write them: one address defanged (read
    # refanged, with a note on the request), one a user's own site on the platform (content,
    # not the platform's home page), and one withheld (an unlisted item for the reviewer).
    ("dkt_demo_sg_cert", {
        "jurisdiction": "SG", "reference": "SingCERT-2026-0412", "reason": "fraud", "bona_fide": True,
        "explanation": "Phishing campaign against customers of a Singapore bank: the post links to a "
                       "credential-harvesting copy of the bank's sign-in page hosted on your platform.",
        "language": "en", "items": [{"url": "hxxps://social[.]example/@secure_bank_sg/88001"},
                                    {"url": "https://dbs-verify.pages.social.example/"},
                                    {"url": "[redacted]"}],
    }),
    # Roskomnadzor passing on a deputy prosecutor general's decision, with its register
    # entry: one address defanged, one a user's own site on the platform.
    ("dkt_demo_ru_rkn", {
        "jurisdiction": "RU", "reference": "04-117832-2026", "reason": "government_criticism",
        "legal_basis": [{"law": "ru-149-fz-15-3"}],
        "explanation": "Calls to take part in public events held in breach of the established procedure.",
        "order": {"issuing_authority": {"name": "Генеральная прокуратура Российской Федерации", "kind": "prosecutor",
                                        "country": "RU"},
                  "number": "27-31-2026/Ид4471-26", "date": "2026-11-17", "register_entry": "77-2026-118406",
                  "deadline": "незамедлительно, но не позднее суток с момента получения"},
        # Removal everywhere, "or at least" withheld in Russia.
        "measures": [{"kind": "remove_global", "fallback": True}],
        "language": "ru", "items": [{"url": "hxxps://social[.]example/@ural_voice/90311"},
                                    {"url": "https://social.example/@ural_voice/90314"},
                                    {"url": "https://ural-voice.pages.social.example/manifest"}],
    }),
    # The Guardia Civil under a judge's preliminary proceedings: take down, and keep and
    # hand over the account's data (which this desk refers on).
    ("dkt_demo_es_gc", {
        "jurisdiction": "ES", "reference": "DT-2026/04418", "reason": "illegal_goods",
        "legal_basis": [{"law": "es-lssi-8"}, {"citation": "art. 13 LECrim"}],
        "explanation": "Sale of forged identity documents (Código Penal art. 392).",
        "order": {"court": "Juzgado de Instrucción n.º 32 de Madrid", "case_number": "DP 1187/2026",
                  "number": "DT-2026/04418", "date": "2026-11-19", "deadline": "cinco días hábiles"},
        "measures": [{"kind": "restrict_content"},
                     {"kind": "preserve_data", "account": "docs_express", "note": "90 días"},
                     {"kind": "disclose_data", "account": "docs_express",
                      "note": "datos de registro, previa autorización judicial"}],
        "other_items": "https://social.example/@docs_express/3324 y todas sus copias",
        "language": "es", "items": [{"content_id": "post-3321"}],
    }),
    ("dkt_demo_flagger", {
        "jurisdiction": "DE", "reason": "child_safety", "bona_fide": True,
        "legal_basis": [{"law": "eu-dsa-16"}, {"citation": "§ 184b StGB"}],
        "explanation": "Sexualised depiction of a child, checked by two analysts.", "language": "de",
        "items": [{"content_id": "post-30001"}],
    }),
]


# The letters and orders that came with the requests (scripts/demo_letters.py writes
# them), by the request's reference: (file, kind, language).
LETTERS = Path(__file__).parent / "demo_letters"
DOCUMENTS = {
    "MISD-2026/1203": [("kz-misd-order.pdf", "order", "ru")],
    "27 O 412/26": [("de-lg-berlin-beschluss.pdf", "court_decision", "de")],
    "BTK-2026-88412": [("tr-btk-sulh-ceza.pdf", "order", "tr")],
    "04-117832-2026": [("ru-rkn-demand.pdf", "letter", "ru")],
    "DT-2026/04418": [("es-guardia-civil-oficio.pdf", "letter", "es")],
}


# Letters waiting in the inbox, not yet requests: e-mails as the mailbox takes them, an
# order a regulator sent as it is through the API, and a demand that came by post, scanned
# (images only: OCR reads it). The worker reads them into drafts within seconds of the
# demo's start (docket.intake.drafts). (file, channel, sender's token, language)
INBOX = [
    ("kz-misd-email.eml", "mail", None, "kk"),
    ("de-sta-berlin-email.eml", "mail", None, "de"),
    ("tr-btk-sulh-ceza.pdf", "api", "dkt_demo_tr_btk", "tr"),
    ("ru-rkn-demand-scan.pdf", "api", "dkt_demo_ru_rkn", "ru"),
]


def _inbox(session: Session, settings: Settings) -> int:
    """The letters waiting in the inbox, through the inbox's one way in."""
    tokens = {token: name for token, name, *_ in SUBMITTERS}
    submitters = {s.name: s.id for s in session.execute(select(Submitter)).scalars()}
    for name, channel, token, language in INBOX:
        data = (LETTERS / name).read_bytes()
        upload = documents.check_upload(settings=settings, data=data, filename=name,
                                        kind=documents.parse_kind("letter"), language=language)
        submitter = submitters[tokens[token]] if token else None
        inbox.receive(session=session, settings=settings, upload=upload, channel=InboxChannel(channel),
                      actor=f"submitter:{submitter}" if submitter else "system:mailbox", submitter_id=submitter,
                      message_id=inbox.headers_of(data).get("message-id") if channel == "mail" else None)
    return len(INBOX)


def _uploads(settings: Settings, reference: str | None) -> list[documents.Upload]:
    return [documents.check_upload(settings=settings, data=(LETTERS / name).read_bytes(), filename=name,
                                   kind=documents.parse_kind(kind), language=language)
            for name, kind, language in DOCUMENTS.get(reference or "", [])]


# Documents a reviewer marked as holding personal data, by file, with the redacted copy
# (scripts/demo_letters.py writes it too) that the Lumen export sends in its place.
REDACTED = {"de-lg-berlin-beschluss.pdf": "de-lg-berlin-beschluss-geschwaerzt.pdf"}


def _redact_documents(session: Session, settings: Settings) -> None:
    """Mark the documents of :data:`REDACTED` as holding personal data and add their
    redacted copies, as a legal reviewer does on the console."""
    bob = f"user:{_as(session, 'bob@docket.example').user_id}"
    for original in session.execute(select(Document).where(Document.filename.in_(sorted(REDACTED)),
                                                           Document.request_id.is_not(None))).scalars():
        assert original.request_id is not None  # by the query: the inbox's documents have no request
        documents.mark(session=session, document=original, personal_data=True, actor=bob)
        name = REDACTED[original.filename]
        copy = documents.check_upload(settings=settings, data=(LETTERS / name).read_bytes(), filename=name,
                                      kind=original.kind, language=original.language)
        documents.add(session=session, settings=settings, request_id=original.request_id, uploads=[copy],
                      actor=bob, redacts=original)


def _load_cases(session: Session, settings: Settings) -> int:
    """Register the demo content and send the demo requests through the one intake path."""
    for cid, url, kind, author, language, text in CONTENT:
        content.upsert(session=session, data=ContentUpsert(
            id=cid, url=url, type=kind, author_id=author, language=language, text=text,
            author_contact=f"{author}@mail.example"))
    by_token = {token: name for token, name, *_ in SUBMITTERS}
    submitters = {s.name: s for s in session.execute(select(Submitter)).scalars()}
    for token, body in REQUESTS:
        intake.submit(session=session, settings=settings, submitter=submitters[by_token[token]],
                      data=RequestCreate.model_validate(body), channel=Channel.api,
                      uploads=_uploads(settings, body.get("reference")))
    return len(REQUESTS)


def _as(session: Session, email: str) -> Principal:
    user = parties.get_user_by_email(session=session, email=email)
    assert user is not None
    roles = frozenset(Role(r.role) for r in user.roles)
    places = frozenset(r.jurisdiction for r in user.roles if r.jurisdiction)
    return Principal(token_id=0, user_id=user.id, roles=roles, jurisdictions=places)


def _review_cases(session: Session) -> None:
    """Move some demo items through review, so the queue, the approvals inbox and the
    effect given have something to show."""
    now = utcnow()
    alice, bob, carol = (_as(session, f"{n}@docket.example") for n in ("alice", "bob", "carol"))
    items = {i.content_id: i for i in session.execute(select(Item)).scalars()}

    def steps(item: Item, *findings: tuple[Principal, str, str, list[str]]) -> None:
        for who, step, finding, flags in findings:
            effects.review(session=session, principal=who, item=item, now=now,
                           data=ReviewCreate(step=step, finding=finding, flags=flags))

    # Germany: a court's defamation order, restricted in Germany only; takes effect at once.
    court = items["post-55102"]
    steps(court, (alice, "policy", "compliant", []), (bob, "legal", "illegal", []),
          (carol, "rights", "no_concern", []))
    effects.decide(session=session, principal=bob, item=court, now=now, data=DecisionCreate(
        outcome="restricted", law="§ 186 StGB",
        explanation="The court found the bribery claim untrue and defamatory; restricted in Germany only."))
    # Kazakhstan: a cartoon of the minister. Illegal under the cited law, but political
    # speech: the rights reviewer proposes to reject it as overbroad; it awaits a second person.
    cartoon = items["post-81723"]
    steps(cartoon, (alice, "policy", "compliant", []), (bob, "legal", "illegal", []),
          (carol, "rights", "concern", ["political_speech", "public_interest"]))
    effects.decide(session=session, principal=carol, item=cartoon, now=now, data=DecisionCreate(
        outcome="rejected_overbroad",
        explanation="Satire of a public official is protected political speech (ICCPR Art. 19)."))
    # Kazakhstan: the rally call is in legal review, claimed by Bob.
    rally = items["post-81724"]
    steps(rally, (alice, "policy", "compliant", []))
    review.claim(session=session, principal=bob, item=rally, now=now, ttl=dt.timedelta(hours=8))
    # India: a fabricated image; restriction proposed, awaiting the Chief Compliance Officer.
    fake = items["post-77310"]
    steps(fake, (alice, "policy", "compliant", []), (bob, "legal", "illegal", []),
          (carol, "rights", "no_concern", []))
    effects.decide(session=session, principal=bob, item=fake, now=now, data=DecisionCreate(
        outcome="restricted", explanation="Fabricated image likely to incite communal violence (IT Act s. 69A)."))
    # Türkiye: an emergency death threat breaks the platform's rules: removed everywhere,
    # approved by a second person because it is an emergency.
    threat = items["post-66001"]
    steps(threat, (alice, "policy", "violates", []))
    removal = effects.decide(session=session, principal=alice, item=threat, now=now, data=DecisionCreate(
        outcome="removed_policy", policy_clause="Community Standards 3.2: violent threats and doxxing",
        explanation="A death threat with the target's home address."))
    effects.approve(session=session, principal=bob, decision=removal, note="Confirmed.", now=now)
    # (The request was confidential: the author's statement of reasons waits in a hold.)
    # Viet Nam: "opposing the State" names no statement and no provision; the legal
    # reviewer asks the ministry which (the question goes to it by e-mail and shows in its
    # portal; the notes stay internal). The item leaves the queue until it answers.
    vn = items["post-44120"]
    steps(vn, (alice, "policy", "compliant", []))
    effects.review(session=session, principal=bob, item=vn, now=now, data=ReviewCreate(
        step="legal", finding="needs_clarification",
        question="Which statement in the post is said to oppose the State, and which provision of "
                 "Decree 147 Art. 8 does it breach? Criticism of a policy is not by itself unlawful.",
        notes="Reads as criticism of the land-use policy; no call to violence."))
    # A trusted flagger's notice about a child: removed everywhere.
    csam = items["post-30001"]
    steps(csam, (alice, "policy", "violates", []))
    effects.decide(session=session, principal=alice, item=csam, now=now, data=DecisionCreate(
        outcome="removed_policy", policy_clause="Child safety policy 1.1",
        explanation="Sexualised depiction of a minor; reported to the national hotline."))


def _appeal_cases(session: Session, settings: Settings) -> None:
    """The author of the post the German court had restricted appeals, through the link
    in the statement of reasons; it waits in the appeals queue for someone new."""
    court_item = session.execute(select(Item).where(Item.content_id == "post-55102")).scalar_one()
    decision = review.decisions_for(session=session, item_id=court_item.id)[-1]
    appeals.file(session=session, decision=decision, appellant="author", submitter_id=None,
                 statement="The article quotes the mayor's own declaration of assets; it is true.",
                 contact_email="berlin_watch@mail.example", language="de",
                 window=dt.timedelta(days=settings.appeal_window_days), now=utcnow())


def _report_cases(session: Session, settings: Settings) -> None:
    """Users report content too: a cyberbullying case with several reporters (one a
    DSA Art. 16 notice), a coordinated burst on a journalist's post, and a designated
    trusted flagger."""
    from docket.intake import user_reports
    from docket.intake.schemas import ReportIn
    from docket.intake.user_report_api import DesignationCreate, channel_submitter, designate

    flagger = session.execute(select(Submitter).where(Submitter.kind == "trusted_flagger")).scalars().first()
    if flagger is not None:
        designate(session=session, actor=ACTOR, data=DesignationCreate(
            submitter_id=flagger.id, designating_body="Bundesnetzagentur (Digital Services Coordinator)",
            reasons=["child_safety", "hate_speech", "terrorist_content"], jurisdictions=["DE"],
            valid_from=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)))
    platform_users = channel_submitter(session, "api", settings.home_country)
    bullying = [
        ("u-5521", "Aruzhan S.", "aruzhan@mail.example", True, "Insults my daughter every day and posts her photo."),
        ("u-7730", None, None, False, None),
        ("u-9120", None, None, False, "She is 14."),
    ]
    for user, name, email, bona_fide, explanation in bullying:
        user_reports.submit_report(session=session, settings=settings, channel_submitter=platform_users,
                                   reporter_key=f"user:{user}", channel="api", report=ReportIn(
                                       content_id="acct-bully99", reason="cyberbullying", jurisdiction="KZ",
                                       explanation=explanation, reporter_id=user, reporter_name=name,
                                       reporter_email=email, bona_fide=bona_fide))
    for n in range(12):  # a burst of brand-new accounts against a journalist's report
        user_reports.submit_report(session=session, settings=settings, channel_submitter=platform_users,
                                   reporter_key=f"user:new-{n}", channel="api", report=ReportIn(
                                       content_id="post-90211", reason="hate_speech", reporter_id=f"new-{n}"))


def load_demo(*, session: Session, base_url: str, settings: Settings | None = None) -> str:
    """Fill an empty database with the demo; return what to try, for the console."""
    if session.execute(select(func.count()).select_from(Submitter)).scalar_one():
        return "[yellow]The database already has data; the demo was not loaded again.[/yellow]\n" + _howto(base_url)
    for token, name, kind, country, email in SUBMITTERS:
        submitter = parties.create_submitter(
            session=session, actor=ACTOR, name=name, kind=kind, country=country, email=email,
            verified=True,
        )
        parties.create_token(session=session, actor=ACTOR, submitter=submitter, name="demo", secret=token)
        for of, email, person in PEOPLE:
            if of == token:
                parties.create_person(session=session, actor=ACTOR, submitter=submitter,
                                      email=email, name=person, password=PASSWORD)
    for token, email, name, roles, jurisdictions in USERS:
        password = None if roles == ["platform"] else PASSWORD
        user = parties.create_user(
            session=session, actor=ACTOR, email=email, name=name, roles=roles,
            jurisdictions=jurisdictions, password=password,
        )
        parties.create_token(session=session, actor=ACTOR, user=user, name="demo", secret=token)
    settings = settings or Settings(base_url=base_url)
    demo_appealsq.load(session)  # Frank's appeals team, before the appeals are filed and routed
    requests = _load_cases(session, settings)
    _redact_documents(session, settings)
    _review_cases(session)
    flow_demo.load(session, PASSWORD)  # the desk: a lead (Lena), teams, items assigned
    _appeal_cases(session, settings)
    _report_cases(session, settings)
    load_item_context(session)
    demo_portal.load(session=session, settings=settings, password=PASSWORD)
    requests += _history(session, settings)
    letters = _inbox(session, settings)
    demo_copies.load(session=session, settings=settings)  # copies of restricted content, beside their originals
    demo_queue.load(session)
    # Seal the demo's history into the verifiable log, so its receipts exist (GET
    # …/receipt, the portal's request pages); checkpoints need the log's key.
    while sealer.seal(session=session).added:
        pass
    return (f"[green]Demo loaded: {requests} requests from {len(SUBMITTERS)} submitters; {letters} letters wait in "
            "the inbox.[/green]\n" + _howto(base_url))


# The last complete half-year, so /transparency has a published period to show: requests
# per government in the same proportions as a real desk, through the same services, at
# the times they would have happened. (jurisdiction, law, reason, outcome wanted, share)
HISTORY = [
    ("dkt_demo_kz_ministry", "KZ", "kz-online-platforms-9", "hate_speech", "restricted", 5),
    ("dkt_demo_kz_ministry", "KZ", "kz-online-platforms-9", "government_criticism", "rejected_overbroad", 4),
    ("dkt_demo_kz_ministry", "KZ", "kz-online-platforms-9", "hate_speech", "no_action", 2),
    ("dkt_demo_de_court", "DE", "de-netzdg-3", "defamation", "restricted", 4),
    ("dkt_demo_de_police", "DE", "de-netzdg-3", "hate_speech", "removed_policy", 3),
    ("dkt_demo_in_meity", "IN", None, "violence", "restricted", 3),
    ("dkt_demo_in_meity", "IN", None, "national_security", "rejected_overbroad", 2),
    ("dkt_demo_tr_btk", "TR", None, "defamation", "restricted", 3),
    ("dkt_demo_tr_btk", "TR", None, "government_criticism", "rejected_overbroad", 3),
    ("dkt_demo_vn_mic", "VN", "vn-decree-147", "government_criticism", "rejected_overbroad", 3),
    ("dkt_demo_flagger", "DE", "eu-dsa-16", "child_safety", "removed_policy", 2),
]
FINDINGS_FOR = {
    "restricted": (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")),
    "rejected_overbroad": (("policy", "compliant"), ("legal", "illegal"), ("rights", "concern")),
    "no_action": (("policy", "compliant"), ("legal", "lawful")),
    "removed_policy": (("policy", "violates"),),
}


def _history(session: Session, settings: Settings) -> int:
    """Requests, decisions, four-eyes approvals and appeals of the last complete half-year."""
    import random

    from docket.errors import DocketError
    from docket.transparency.periods import latest_half_year

    period = latest_half_year(utcnow())
    rng = random.Random(2026)
    span = (period.end - period.start).total_seconds()
    submitters = {token: session.execute(select(Submitter).where(Submitter.name == name)).scalar_one()
                  for token, name, *_ in SUBMITTERS}
    staff = {n: _as(session, f"{n}@docket.example")
             for n in ("alice", "bob", "carol", "dana", "emre", "priya", "frank")}
    by_step = {"policy": staff["alice"], "legal": staff["bob"], "rights": staff["carol"]}
    approvers = [staff["dana"], staff["emre"], staff["priya"], staff["alice"], staff["carol"]]
    restricted: list[tuple[Decision, dt.datetime]] = []
    count = 0
    for token, place, law, reason, outcome, share in HISTORY:
        for _ in range(share):
            count += 1
            at = period.start + dt.timedelta(seconds=rng.uniform(0, span * 0.9))
            cid = f"h-{count:03d}"
            content.upsert(session=session, data=ContentUpsert(
                id=cid, url=f"https://social.example/archive/{cid}", type="post", author_id=f"author-{cid}",
                language="en", text="(an archived post of the demo's history)",
                author_contact=f"author-{cid}@mail.example"))
            body = {"jurisdiction": place, "reason": reason, "items": [{"content_id": cid}],
                    "explanation": "Illegal under the cited law, as set out in the attached order.",
                    "legal_basis": [{"law": law}] if law else [{"citation": "as cited in the order"}],
                    "bona_fide": True, "reference": f"H-{count:03d}"}
            request = intake.submit(session=session, settings=settings, submitter=submitters[token],
                                    data=RequestCreate.model_validate(body), channel=Channel.api,
                                    now=at).request
            assert request is not None
            # Its acknowledgement went out minutes after it arrived, recorded as the worker does.
            sent_at = at + dt.timedelta(minutes=rng.uniform(1, 20))
            for outbox_id, message_id in session.execute(update(OutboxMessage).where(
                OutboxMessage.kind == "acknowledgement", OutboxMessage.subject == f"request:{request.id}"
            ).values(status="sent", sent_at=sent_at).returning(OutboxMessage.id, OutboxMessage.message_id)).all():
                audit.record(session=session, actor="system:outbox", action="notice:sent",
                             subject=f"request:{request.id}",
                             payload={"outbox": outbox_id, "kind": "acknowledgement", "channel": "email",
                                      "message_id": message_id, "attempts": 1, "sent_at": sent_at.isoformat()})
            item = request.items[0]
            when = at + dt.timedelta(hours=rng.uniform(2, 30))
            try:
                for step, finding in FINDINGS_FOR[outcome]:
                    effects.review(session=session, principal=by_step[step], item=item, now=when,
                                   data=ReviewCreate(step=step, finding=finding, flags=[]))
                decision = effects.decide(
                    session=session, principal=staff["bob"], item=item, now=when, data=DecisionCreate(
                        outcome=outcome,
                        policy_clause="Community Standards 3.1" if outcome == "removed_policy" else None,
                        explanation="Decided on the findings of the policy, legal and human-rights reviews."))
            except DocketError:
                continue  # left in review: a real desk has open items too
            for approver in approvers:
                if decision.status != "awaiting_approval":
                    break
                try:
                    with session.begin_nested():
                        effects.approve(session=session, principal=approver, decision=decision, note=None,
                                        now=when + dt.timedelta(hours=rng.uniform(1, 10)))
                except DocketError:
                    continue
            if outcome == "restricted":
                restricted.append((decision, when))
    _history_reports(session, settings, period.start, staff["alice"], staff["bob"])
    count += demo_periods.earlier_periods(session=session, settings=settings, latest=period,
                                          submitters=submitters, staff=staff)
    # Three authors appeal; someone entitled to the country who took no part decides (Frank,
    # who reviews appeals; the country's own representative when she took no part): one
    # restriction is reversed.
    for n, (decision, when) in enumerate(restricted[:3]):
        filed = when + dt.timedelta(days=2)
        appeal = appeals.file(session=session, decision=decision, appellant="author", submitter_id=None,
                              statement="The post reports facts of public interest.", contact_email=None,
                              language="en", window=dt.timedelta(days=settings.appeal_window_days), now=filed)
        for judge in (staff["frank"], staff["emre"], staff["priya"], staff["dana"]):
            try:
                with session.begin_nested():
                    appeals.decide(session=session, principal=judge, appeal=appeal,
                                   outcome="reversed" if n == 0 else "upheld",
                                   explanation="Reviewed anew by a person who took no part.",
                                   now=filed + dt.timedelta(days=3))
                break
            except DocketError:
                continue
    return count


def _history_reports(session: Session, settings: Settings, start: dt.datetime,
                     reviewer: Principal, lawyer: Principal) -> None:
    """Users' reports in the same half-year: a harassment case with several reporters that
    was removed, and a hate-speech report under German law found lawful."""
    from docket.intake import user_reports
    from docket.intake.schemas import ReportIn
    from docket.intake.user_report_api import channel_submitter

    users = channel_submitter(session, "api", settings.home_country)
    for n, (cid, reason, place, reporters) in enumerate(
            (("h-r01", "bullying_harassment", None, 4), ("h-r02", "hate_speech", "DE", 2))):
        content.upsert(session=session, data=ContentUpsert(
            id=cid, url=f"https://social.example/archive/{cid}", type="comment", author_id=f"author-{cid}",
            language="en", text="(an archived comment of the demo's history)"))
        at = start + dt.timedelta(days=40 + 50 * n)
        for r in range(reporters):
            accepted = user_reports.submit_report(
                session=session, settings=settings, channel_submitter=users, reporter_key=f"user:h-{n}-{r}",
                channel="api", now=at + dt.timedelta(hours=r),
                report=ReportIn(content_id=cid, reason=reason, jurisdiction=place, reporter_id=f"h-{n}-{r}",
                                reporter_verified=True, explanation="Targets me by name every day."))
        item = session.get(Item, accepted.item_id)
        assert item is not None
        when = at + dt.timedelta(hours=20)
        if n == 0:
            effects.review(session=session, principal=reviewer, item=item, now=when,
                           data=ReviewCreate(step="policy", finding="violates", flags=[]))
            effects.decide(session=session, principal=reviewer, item=item, now=when, data=DecisionCreate(
                outcome="removed_policy", policy_clause="Community Standards 2.1: bullying and harassment",
                explanation="Repeated insults aimed at a private person."))
        else:
            effects.review(session=session, principal=reviewer, item=item, now=when,
                           data=ReviewCreate(step="policy", finding="compliant", flags=[]))
            effects.review(session=session, principal=lawyer, item=item, now=when,
                           data=ReviewCreate(step="legal", finding="lawful", flags=[]))
            effects.decide(session=session, principal=lawyer, item=item, now=when, data=DecisionCreate(
                outcome="no_action", explanation="Sharp criticism of a politician; lawful under § 193 StGB."))


def demo_log_key(*, base_url: str, folder: Path) -> Path:
    """The demo's signing key for the verifiable log, ``docket-log.key`` in ``folder``,
    made on the first start (as ``docket log keygen`` would) and kept for the next."""
    path = folder / DEMO_LOG_KEY
    if not path.exists():
        signer = Signer.generate(default_origin(base_url))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(signer.key + "\n")
    return path


def _howto(base_url: str) -> str:
    lines = ["", "Submitters (API tokens):"]
    lines += [f"  {name[:60]:<60} {token}" for token, name, *_ in SUBMITTERS]
    lines += ["", f"Staff (password '{PASSWORD}' / API token):"]
    lines += [f"  {email:<26} {', '.join(roles):<28} {token}" for token, email, _, roles, _ in USERS]
    lead_token, lead_email, _ = flow_demo.LEAD
    lines += [f"  {lead_email:<26} {'lead (assigns work, teams, dashboard)':<28} {lead_token}"]
    lines += ["", f"Officials in the portal (password '{PASSWORD}'):"]
    lines += [f"  {email}" for _, email, _ in PEOPLE]
    lines += [f"  {OFFICIAL[0]}   (the portal in Russian: a reversal and a thread with the reviewers)"]
    lines += [
        "",
        "Try:",
        f"  open {base_url}/console/dashboard   (as lena: backlog, clocks, throughput per team, appeals)",
        f"  open {base_url}/transparency   (the public site: periods, countries, downloads, 5 languages)",
        f"  open {base_url}/audit   (as erin: the audit log, verify the chain, exports)",
        f"  curl -s {base_url}/api/v1/me -H 'Authorization: Bearer dkt_demo_kz_ministry'",
        f"  curl -s {base_url}/api/v1/requests -H 'Authorization: Bearer dkt_demo_kz_ministry'",
        f"  curl -s {base_url}/api/v1/requests -H 'Authorization: Bearer dkt_demo_alice'",
        f"  curl -s {base_url}/api/v1/requests -H 'Authorization: Bearer dkt_demo_vn_mic'"
        "   (a reviewer's question waits for Viet Nam's answer)",
        f"  curl -s {base_url}/api/v1/queue -H 'Authorization: Bearer dkt_demo_alice'",
        f"  open {base_url}/console?author=copycat_kz   (as alice: copies of restricted content the platform "
        "registered, each beside its original — one registered before the original was restricted, found by "
        "the worker's retroactive scan: confirm or reject)",
        f"  open {base_url}/console/inbox   (as alice: e-mails, a letter sent as it is and a scan, "
        "read into drafts within seconds: confirm one)",
        f"  curl -s {base_url}/api/v1/documents -H 'Authorization: Bearer dkt_demo_kz_ministry' -F 'file=@letter.pdf'"
        "   (send a letter as it is: it waits in the inbox)",
        f"  curl -s {base_url}/api/v1/decisions -H 'Authorization: Bearer dkt_demo_priya'",
        f"  curl -s {base_url}/api/v1/appeals -H 'Authorization: Bearer dkt_demo_frank'"
        "   (Frank took part in no decision: he may decide appeals)",
        f"  curl -s -X POST {base_url}/api/v1/reports -H 'Content-Type: application/json' "
        "-d '{\"url\": \"https://social.example/@aidos_k/81724\", \"reason\": \"hate_speech\"}'",
        f"  curl -s {base_url}/api/v1/holds -H 'Authorization: Bearer dkt_demo_bob'",
        f"  curl -s {base_url}/api/v1/audit/events -H 'Authorization: Bearer dkt_demo_erin'",
        f"  curl -s {base_url}/api/v1/requests/1/receipt -H 'Authorization: Bearer dkt_demo_kz_ministry'"
        " > receipt.json; docket-verify receipt.json   (serve signs a checkpoint every minute)",
        f"  curl -s {base_url}/metrics -H 'Authorization: Bearer dkt_demo_erin'"
        "   (Prometheus metrics: admins, auditors, or DOCKET_METRICS_TOKEN)",
        "  docket log check-restrictions   (every restriction served follows from a logged decision)",
        f"  curl -s {base_url}/api/v1/log/checkpoint"
        f"   (the audit log's signed checkpoint, no token; signed with ./{DEMO_LOG_KEY})",
        f"  docket log witness {base_url}/api/v1/log --state ./witness   (keep it; run it again later)",
        "  notices are written to ./docket-mail as .eml files (set DOCKET_SMTP_URL for a real server)",
        f"  open {base_url}/docs for the interactive API documentation",
        "",
    ]
    return "\n".join(lines)
