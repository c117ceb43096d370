"""The demo's copies of restricted content: posters and a post restricted in Kazakhstan and
Turkey, then re-uploads the demo's platform registers — a poster re-encoded and shrunk, a
banner re-saved as JPEG, the post with a word changed — so the queue shows copy items
with their original side by side (docket.matching.copies). One more copy of the post was
registered *before* the post was restricted: the retroactive scan (docket.matching.scan,
which the worker runs) finds it when the restriction comes. Through the same services as
the API, at the times they would have happened."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket import effects
from docket.content import service as content
from docket.content.schemas import ContentUpsert
from docket.enforcement import service as enforcement
from docket.errors import DocketError
from docket.intake import submission as intake
from docket.intake.models import Channel
from docket.intake.schemas import RequestCreate
from docket.matching import copies, scan
from docket.matching import service as matching
from docket.matching.bank import Bank
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role, Submitter
from docket.review.schemas import DecisionCreate, ReviewCreate
from docket.settings import Settings
from docket.store import utcnow

POST = ("Жители Жанаозена! Завтра в 10:00 все на площадь у акимата. Берите с собой бензин и факелы — "
        "пусть горит всё, что они построили на наши деньги. Распространите, пока не удалили. "
        "Residents of Zhanaozen: tomorrow at ten everyone to the square by the akimat, bring petrol and "
        "torches and let everything they built with our money burn. Share before they delete it.")

# (content id, submitter token, country, legal basis, reason, what the image shows, colours, with the post's text)
ORIGINALS = [
    ("kz-poster-501", "dkt_demo_kz_ministry", "KZ", {"law": "kz-online-platforms-9", "provision": "Art. 9(2)"},
     "hate_speech", "A poster calling people to burn the akimat", ((180, 20, 20), (250, 200, 40)), False),
    ("tr-banner-502", "dkt_demo_tr_btk", "TR", {"citation": "Law No. 5651, Art. 8/A"},
     "defamation", "A banner with a politician's portrait crossed out", ((20, 60, 160), (240, 240, 240)), False),
    ("kz-post-503", "dkt_demo_kz_ministry", "KZ", {"law": "kz-online-platforms-9", "provision": "Art. 9(2)"},
     "hate_speech", None, None, True),
]


EARLY_COPY = "kz-post-503-early"


def _drawing(colours: tuple[tuple[int, int, int], tuple[int, int, int]], seed: int) -> Image.Image:
    background, ink = colours
    image = Image.new("RGB", (640, 480), background)
    draw = ImageDraw.Draw(image)
    for n in range(7):
        x, y = (seed * 89 + n * 83) % 520, (seed * 47 + n * 61) % 360
        draw.ellipse((x, y, x + 70 + n * 9, y + 60 + n * 5), fill=ink)
        draw.rectangle((y % 500, x % 380, y % 500 + 50, x % 380 + 90), outline=ink, width=6)
    draw.text((40, 420), "ALL TO THE SQUARE — 10:00", fill=ink)
    return image


def _bytes(image: Image.Image, kind: str = "PNG", **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _principal(session: Session, email: str) -> Principal:
    user = parties.get_user_by_email(session=session, email=email)
    assert user is not None
    return Principal(token_id=0, user_id=user.id, roles=frozenset(Role(r.role) for r in user.roles),
                     jurisdictions=frozenset(r.jurisdiction for r in user.roles if r.jurisdiction))


def _register(session: Session, settings: Settings, bank: Bank | None, platform: Principal, cid: str, *,
              text: str | None, image: bytes | None, alt: str | None, author: str) -> None:
    body = ContentUpsert(id=cid, url=f"https://social.example/@{author}/{cid}", type="image" if image else "post",
                         author_id=author, author_contact=f"{author}@mail.example", language="ru", text=text,
                         image=_b64(image) if image else None,
                         previews=[{"data": _b64(_bytes(Image.open(io.BytesIO(image)).convert("RGB")
                                                        .resize((240, 180)))), "alt": alt}] if image else None)
    found, replaced = matching.compute(image=body.image, pdq=None, pdq_quality=None, sha256=None, text=text)
    content.upsert(session=session, data=body)
    if bank is None:
        matching.store(session=session, content_id=cid, found=found, replaced=replaced)
    else:
        copies.registered(session, settings=settings, bank=bank, actor=platform.actor, content_id=cid, found=found,
                          replaced=replaced)


def load(*, session: Session, settings: Settings) -> int:
    """Restrict the originals, then register their copies; return how many copy items opened."""
    staff = {n: _principal(session, f"{n}@docket.example") for n in ("alice", "bob", "carol", "dana", "emre")}
    platform = _principal(session, "platform@docket.example")
    by_step = {"policy": staff["alice"], "legal": staff["bob"], "rights": staff["carol"]}
    now = utcnow()
    images: dict[str, bytes] = {}
    # Shared on another account days before the post was restricted (two words changed).
    _register(session, settings, None, platform, EARLY_COPY, text=POST.replace("бензин", "канистры")
              .replace("Share before", "Share it before"), image=None, alt=None, author="copycat_kz")
    for n, (cid, token, place, basis, reason, alt, colours, with_text) in enumerate(ORIGINALS):
        image = _bytes(_drawing(colours, n + 3)) if colours else None
        if image:
            images[cid] = image
        _register(session, settings, None, platform, cid, text=POST if with_text else None, image=image, alt=alt,
                  author=f"author-{cid}")
        submitter = session.execute(select(Submitter).where(Submitter.name.startswith(
            "Ministry of Information and Social" if token == "dkt_demo_kz_ministry" else "Bilgi Teknolojileri"))
        ).scalar_one()
        at = now - dt.timedelta(days=3, hours=n)
        request = intake.submit(session=session, settings=settings, submitter=submitter, channel=Channel.api,
                                now=at, data=RequestCreate.model_validate({
                                    "jurisdiction": place, "reason": reason, "items": [{"content_id": cid}],
                                    "explanation": "The post calls for arson and unrest; see the order.",
                                    "legal_basis": [basis], "bona_fide": True, "reference": f"COPY-{n + 1}"}))
        assert request.request is not None
        item = request.request.items[0]
        when = at + dt.timedelta(hours=6)
        try:
            for step, finding in (("policy", "compliant"), ("legal", "illegal"), ("rights", "no_concern")):
                effects.review(session=session, principal=by_step[step], item=item, now=when,
                               data=ReviewCreate(step=step, finding=finding, flags=[]))
            decision = effects.decide(session=session, principal=staff["bob"], item=item, now=when,
                                      data=DecisionCreate(outcome="restricted", explanation=(
                                          "Calls for arson against a public building, illegal under the cited law.")))
            for approver in (staff["dana"], staff["emre"], staff["alice"]):
                if decision.status != "awaiting_approval":
                    break
                try:
                    with session.begin_nested():
                        effects.approve(session=session, principal=approver, decision=decision, note=None,
                                        now=when + dt.timedelta(hours=1))
                except DocketError:
                    continue
        except DocketError:
            continue
    # The worker's retroactive scan: the copy registered before the restrictions came.
    waiting = scan.due(session=session, now=now, limit=scan.ROUND)
    found = scan.find(session=session, settings=settings, restriction_ids=waiting)
    claimed = [r for r in waiting if scan.claim(session=session, restriction_id=r, now=now)]
    opened = len(scan.record(session=session, settings=settings, found=found, restriction_ids=claimed,
                             now=now).items)
    # The platform's process keeps the bank from the feed; here it is read from the database.
    bank = Bank(pdq_distance=settings.match_pdq_distance, pdq_quality=settings.match_pdq_quality,
                text_similarity=settings.match_text_similarity)
    bank.load(matching.snapshot_entries(session, now=now), enforcement.latest_cursor(session=session))
    poster = Image.open(io.BytesIO(images["kz-poster-501"]))
    banner = Image.open(io.BytesIO(images["tr-banner-502"]))
    reuploads = [
        ("kz-poster-501-repost", None, _bytes(poster.resize((400, 300)), "JPEG", quality=55),
         "The same poster, smaller, re-uploaded"),
        ("tr-banner-502-copy", None, _bytes(banner, "JPEG", quality=40), "The banner again, as a JPEG"),
        ("kz-post-503-repost", POST.replace("факелы", "спички"), None, None),
    ]
    for cid, text, image, alt in reuploads:
        before = len(bank.match(matching.compute(image=_b64(image) if image else None, pdq=None, pdq_quality=None,
                                                 sha256=None, text=text)[0]))
        _register(session, settings, bank, platform, cid, text=text, image=image, alt=alt, author="copycat_kz")
        opened += 1 if before else 0
    return opened
