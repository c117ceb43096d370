"""The portal's part of the demo (issue 20, point 7): a Russian-speaking official of the
Kazakh ministry whose portal is in Russian, a restriction of theirs that an appeal
reversed (the portal shows when), and the request's thread with a reply from a reviewer.
Called with one line from docket.demo, after the demo's people and requests exist."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import effects
from docket.appeals import service as appeals
from docket.content import service as content
from docket.content.schemas import ContentUpsert
from docket.intake import submission as intake
from docket.intake import thread
from docket.intake.models import Channel, MessageAuthor
from docket.intake.schemas import RequestCreate
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role, Submitter
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.store import utcnow

OFFICIAL = ("dmitry@misd.example.kz", "Дмитрий Иванов, отдел мониторинга")
MINISTRY_EMAIL = "requests@misd.example.kz"
POST = ("post-91500", "https://social.example/@steppe_echo/91500", "steppe_echo",
        "Видео с митинга у акимата: люди требуют отставки акима.")


def _as(session: Session, email: str) -> Principal:
    user = parties.get_user_by_email(session=session, email=email)
    assert user is not None
    return Principal(token_id=0, user_id=user.id, roles=frozenset(Role(r.role) for r in user.roles),
                     jurisdictions=frozenset(r.jurisdiction for r in user.roles if r.jurisdiction))


def load(*, session: Session, settings: Settings, password: str) -> None:
    """The Russian-speaking official, the reversed restriction and the thread."""
    ministry = session.execute(select(Submitter).where(Submitter.email == MINISTRY_EMAIL)).scalar_one_or_none()
    if ministry is None:  # pragma: no cover - the demo's submitters come first
        return
    email, name = OFFICIAL
    person = parties.create_person(session=session, actor="demo", submitter=ministry, email=email, name=name,
                                   password=password)
    parties.set_language(session=session, actor="demo", user=person, language="ru")
    cid, url, author, text = POST
    content.upsert(session=session, data=ContentUpsert(id=cid, url=url, type="video", author_id=author,
                                                       language="ru", text=text,
                                                       author_contact=f"{author}@mail.example"))
    actor = f"user:{person.id}"
    sent = intake.submit(session=session, settings=settings, submitter=ministry, channel=Channel.portal, actor=actor,
                         data=RequestCreate.model_validate({
                             "jurisdiction": "KZ", "reason": "hate_speech", "language": "ru",
                             "reference": "МИОР-2026/318",
                             "legal_basis": [{"law": "kz-online-platforms-9"}],
                             "explanation": "Видео призывает к участию в несанкционированном митинге.",
                             "items": [{"content_id": cid}]}))
    request = sent.request
    assert request is not None
    item = request.items[0]
    now = utcnow()
    alice, bob, carol, dana, frank = (_as(session, f"{n}@docket.example")
                                      for n in ("alice", "bob", "carol", "dana", "frank"))
    for who, step, finding in ((alice, "policy", "compliant"), (bob, "legal", "illegal"),
                               (carol, "rights", "no_concern")):
        effects.review(session=session, principal=who, item=item, now=now,
                       data=ReviewCreate(step=step, finding=finding))
    decision = effects.decide(session=session, principal=dana, item=item, now=now, data=DecisionCreate(
        outcome="restricted", explanation="A call to an unauthorised gathering (Art. 9)."))
    appeal = appeals.file(session=session, decision=decision, appellant="author", submitter_id=None,
                          statement="Это репортаж с места событий, а не призыв.",
                          contact_email=f"{author}@mail.example", language="ru",
                          window=dt.timedelta(days=settings.appeal_window_days), now=now)
    appeals.decide(session=session, principal=frank, appeal=appeal, outcome="reversed", now=now,
                   explanation="News reporting of a public event, without a call to join it.")
    thread.post(session=session, request=request, author=MessageAuthor.authority, actor=actor, user_id=person.id,
                body="Почему ограничение по нашему запросу снято? Просим пояснить.")
    thread.post(session=session, request=request, author=MessageAuthor.staff, actor=frank.actor,
                user_id=frank.user_id,
                body="Автор обжаловал решение. Видео — репортаж о событии без призыва к участию, "
                     "поэтому ограничение снято. Если у вас есть решение суда, приложите его к запросу.")
