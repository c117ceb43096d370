"""The demo's item context (issue 20): thumbnails for some content (drawn at demo time,
never fetched), a discussion with a mention, and explanation templates for the demo's laws
in English and Russian. Called with one line from docket.demo."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from docket.content import previews
from docket.content.models import Content
from docket.intake.models import Item
from docket.parties import service as parties
from docket.parties.auth import Principal
from docket.parties.models import Role
from docket.review import discussion, explanations
from docket.review.explanation_schemas import TemplateCreate

# (content id, background, caption drawn, alt text)
PREVIEWS = [
    ("post-81723", (250, 228, 160), "CARTOON", "A cartoon of a minister holding a newspaper, with a caption"),
    ("post-77310", (120, 120, 130), "PHOTO?", "A grey street scene with smoke, edited to look like a riot"),
    ("post-90314", (40, 70, 110), "VIDEO", "A still from a video of people walking with banners"),
]
TEMPLATES = [
    ("kz-online-platforms-9", "en", "Prohibited information (KZ, Art. 9)",
     "The authorised body of Kazakhstan ordered the removal of this content as information prohibited by the "
     "laws of Kazakhstan. We reviewed it against the order and the law cited, and restricted it in Kazakhstan only."),
    ("kz-online-platforms-9", "ru", "Запрещённая информация (КЗ, ст. 9)",
     "Уполномоченный орган Республики Казахстан предписал удалить эту публикацию как информацию, запрещённую "
     "законами Казахстана. Мы проверили её на соответствие предписанию и указанному закону и ограничили доступ "
     "к ней только в Казахстане."),
    ("kz-informatization-18-2", "en", "Closed proceedings (KZ, Art. 18-2)",
     "The content discloses information from proceedings that the law of Kazakhstan keeps confidential. It is "
     "withheld in Kazakhstan only."),
    ("kz-informatization-18-2", "ru", "Закрытое производство (КЗ, ст. 18-2)",
     "Публикация раскрывает сведения о производстве, которые закон Казахстана относит к охраняемой тайне. "
     "Доступ к ней ограничен только в Казахстане."),
    ("ru-149-fz-15-3", "en", "Calls to unauthorised public events (RU)",
     "The Russian regulator demanded that access be restricted under the law cited. We restricted the content "
     "in Russia only; it remains visible elsewhere."),
    ("ru-149-fz-15-3", "ru", "Призывы к несогласованным мероприятиям (РФ)",
     "Российский регулятор потребовал ограничить доступ на основании указанного закона. Мы ограничили доступ "
     "к публикации только в России; в других странах она остаётся доступной."),
]


def _thumbnail(background: tuple[int, int, int], caption: str) -> str:
    """A small PNG drawn here (160×120), base64."""
    image = Image.new("RGB", (160, 120), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 151, 111), outline=(30, 30, 30), width=3)
    draw.ellipse((56, 30, 104, 78), outline=(30, 30, 30), width=3)
    draw.text((12, 92), caption, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def _as(session: Session, email: str) -> Principal:
    user = parties.get_user_by_email(session=session, email=email)
    assert user is not None
    return Principal(token_id=0, user_id=user.id, roles=frozenset(Role(r.role) for r in user.roles),
                     jurisdictions=frozenset(r.jurisdiction for r in user.roles if r.jurisdiction))


def load_item_context(session: Session) -> None:
    """Thumbnails, a discussion with a mention, and templates (see the module's docstring)."""
    for content_id, background, caption, alt in PREVIEWS:
        content = session.get(Content, content_id)
        if content is not None:
            previews.replace(session=session, content=content, previews=[(_thumbnail(background, caption), alt)])
    admin = _as(session, "admin@docket.example")
    for law, language, title, body in TEMPLATES:
        explanations.create(session=session, principal=admin,
                            data=TemplateCreate(law=law, language=language, title=title, body=body))
    item = session.execute(select(Item).where(Item.content_id == "post-81723").order_by(Item.id)).scalars().first()
    if item is not None:
        alice, bob = _as(session, "alice@docket.example"), _as(session, "bob@docket.example")
        discussion.add(session=session, principal=alice, item=item,
                       body="@bob the ministry cites Art. 9(2), but this is a cartoon of the minister. "
                            "Is it prohibited information at all, or criticism?")
        discussion.add(session=session, principal=bob, item=item,
                       body="@alice Criticism of an official is not prohibited information. I would find it lawful.")
