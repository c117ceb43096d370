"""E-mails: header lines, the body (plain preferred, HTML as words), and attachments read
by their own readers, forwarded messages included."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default

from docket.documents import detect
from docket.extraction.result import Extraction

from ..documents import samples
from . import corpus

Read = Callable[..., Extraction]


def _message(subject: str, text: str | None = None, *, html: str | None = None) -> EmailMessage:
    message = EmailMessage(policy=default)
    message["From"] = "Guardia Civil <ciberdelitos@gc.gob.example>"
    message["To"] = "legal@social.example"
    message["Subject"] = subject
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    return message


def test_from_and_subject_are_kept_and_plain_text_is_preferred(read: Read) -> None:
    message = _message("Diligencias DP-2026-881", "Se solicita la retirada de los contenidos.\n\nEl Capitán",
                       html="<p>HTML version that is not read</p>")
    extraction = read(message.as_bytes(), detect.EML)
    assert extraction.text == ("From: Guardia Civil <ciberdelitos@gc.gob.example>\nSubject: Diligencias DP-2026-881"
                               "\n\nSe solicita la retirada de los contenidos.\n\nEl Capitán")
    assert {p.source for p in extraction.paragraphs} == {"body"}


def test_an_html_body_is_read_as_words_without_scripts_or_styles(read: Read) -> None:
    html = ("<html><head><style>p{color:red}</style><script>steal()</script></head><body>"
            "<p>Contenido en <a href='https://social.example/@madrid_libre/1'>esta publicación</a>.</p>"
            "<table><tr><td>1</td><td>hxxps://social[.]example/@sur/2</td></tr></table></body></html>")
    extraction = read(_message("Retirada", html=html).as_bytes(), detect.EML)
    body = extraction.text.split("\n\n", 1)[1]
    assert body == ("Contenido en esta publicación (https://social.example/@madrid_libre/1).\n\n"
                    "1\thxxps://social[.]example/@sur/2")
    assert "steal" not in extraction.text and "color" not in extraction.text


def test_an_attached_pdf_is_read_with_its_pages_as_an_attachment(read: Read) -> None:
    [document] = corpus.generate(kinds=["mail_pdf"], templates=["kz-mci"])
    extraction = read(document.data, document.media_type)
    attached = [p for p in extraction.paragraphs if p.source != "body"]
    assert {p.source for p in attached} == {"attachment:kz-mci-05.pdf"}
    assert {p.page for p in attached} == {1}
    assert extraction.pages == 1
    assert any(p.language == "kk" for p in attached)


def test_forwarded_messages_and_their_attachments_are_read_in_turn(read: Read) -> None:
    inner = _message("Orden original", "Texto de la orden judicial número 17/2026 del juzgado.")
    inner.add_attachment(samples.TEXT, maintype="text", subtype="plain", filename="predpisanie.txt")
    outer = _message("Fwd: Orden original", "Reenvío la orden.")
    outer.add_attachment(inner, filename="orden.eml")
    outer.add_attachment(samples.EXE, maintype="application", subtype="octet-stream", filename="tool.exe")
    extraction = read(outer.as_bytes(), detect.EML)
    sources = [(p.source, extraction.text[p.start:p.end]) for p in extraction.paragraphs]
    assert sources[2:] == [
        ("attachment:orden.eml", "From: Guardia Civil <ciberdelitos@gc.gob.example>\nSubject: Orden original"),
        ("attachment:orden.eml", "Texto de la orden judicial número 17/2026 del juzgado."),
        ("attachment:orden.eml/predpisanie.txt", "Предписание № 17: ограничить доступ к материалам."),
    ]
    assert extraction.warnings == ["tool.exe: no text is read from a Windows program (MZ executable)"]


def test_a_forwarded_message_sent_base64_encoded_is_read(read: Read) -> None:
    inner = _message("Orden original", "Texto de la orden judicial número 17/2026 del juzgado.")
    outer = _message("Fwd: Orden original", "Reenvío la orden.")
    outer.add_attachment(inner.as_bytes(), maintype="message", subtype="rfc822", filename="orden.eml")
    extraction = read(outer.as_bytes(), detect.EML)
    assert extraction.text.endswith("\n\nTexto de la orden judicial número 17/2026 del juzgado.")
    assert extraction.paragraphs[-1].source == "attachment:orden.eml"


def test_a_text_attachment_in_its_declared_charset_is_read(read: Read) -> None:
    message = _message("Требование", "См. вложение.")
    message.add_attachment("Требование Роскомнадзора № 04-117832-2026".encode("cp1251"), maintype="text",
                           subtype="plain", params={"charset": "windows-1251"}, filename="trebovanie.txt")
    extraction = read(message.as_bytes(), detect.EML)
    assert extraction.text.endswith("Требование Роскомнадзора № 04-117832-2026")
