"""Write the demo's letters and orders as PDFs: ``src/docket/demo_letters/*.pdf`` (and one
of them again as a scan, images only, for the inbox's OCR).

``docket serve --demo`` attaches them to its requests, so that reviewers see what real
requests look like: a letter in the authority's language (often with an English
version), the order or court decision behind it, numbered lists of addresses — some
defanged —, decision and register numbers, dates written the local way, and deadlines in
words. Every authority, person, number and address in them is made up, and each page
says so in its footer.

The PDFs are committed; run this again after changing a letter (it needs fpdf2, from the
test dependencies, and the DejaVu fonts: Debian's ``fonts-dejavu-core``)::

    .venv/bin/python scripts/demo_letters.py            # writes src/docket/demo_letters/
    .venv/bin/python scripts/demo_letters.py --out DIR

The output is reproducible: the same text gives the same bytes (fixed creation date,
fonts subset to the characters used).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "docket" / "demo_letters"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
CREATED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # fixed: the same bytes every run
FOOTER = "docket demo — a made-up document: every authority, person, number and address in it is fictional."


@dataclass(frozen=True)
class Letter:
    name: str  # the file name, without .pdf
    title: str  # the PDF's title
    language: str  # ISO 639-1 of the main text
    heading: list[str]  # the sender's block, top left
    body: list[str]  # paragraphs; "" is a blank line, "# " starts a heading, "- " an address


LETTERS = [
    Letter(
        name="ru-rkn-demand",
        title="Требование о принятии мер по ограничению доступа к информации",
        language="ru",
        heading=["ФЕДЕРАЛЬНАЯ СЛУЖБА ПО НАДЗОРУ В СФЕРЕ СВЯЗИ,",
                 "ИНФОРМАЦИОННЫХ ТЕХНОЛОГИЙ И МАССОВЫХ КОММУНИКАЦИЙ (РОСКОМНАДЗОР)",
                 "Китайгородский пр., д. 7, стр. 2, Москва, 109992",
                 "", "19.11.2026 № 04-117832-2026", "Social Example Inc., юридический отдел"],
        body=[
            "# ТРЕБОВАНИЕ",
            "о принятии мер по удалению информации, распространяемой с нарушением закона",
            "",
            "На основании решения заместителя Генерального прокурора Российской Федерации "
            "от 17.11.2026 № 27-31-2026/Ид4471-26, принятого в соответствии со статьёй 15.3 "
            "Федерального закона от 27.07.2006 № 149-ФЗ «Об информации, информационных "
            "технологиях и о защите информации», Роскомнадзор требует удалить информацию, "
            "содержащую призывы к участию в массовых (публичных) мероприятиях, проводимых с "
            "нарушением установленного порядка, размещённую по следующим адресам:",
            "- 1. hxxps://social[.]example/@ural_voice/90211",
            "- 2. https://social.example/@ural_voice/90214",
            "- 3. https://ural-voice.pages.social.example/manifest",
            "",
            "Номер реестровой записи: 77-2026-118406. Срок исполнения: незамедлительно, но не "
            "позднее суток с момента получения настоящего требования. В случае неисполнения "
            "доступ к информационному ресурсу будет ограничен.",
            "",
            "# ENGLISH VERSION (for information)",
            "Under the decision of the Deputy Prosecutor General of the Russian Federation of "
            "17 November 2026 No. 27-31-2026/Id4471-26, taken under Article 15.3 of Federal Law "
            "No. 149-FZ \"On Information, Information Technologies and Protection of "
            "Information\", Roskomnadzor requires the removal of calls to take part in public "
            "events held in breach of the established procedure, at the three addresses above. "
            "Register entry 77-2026-118406. Deadline: at once, and no later than 24 hours after "
            "receipt.",
            "",
            "Начальник Управления контроля и надзора в сфере электронных коммуникаций",
            "И. В. Соколова (подписано электронной подписью)",
        ]),
    Letter(
        name="de-lg-berlin-beschluss",
        title="Landgericht Berlin — Beschluss 27 O 412/26",
        language="de",
        heading=["Landgericht Berlin", "Zivilkammer 27", "Tegeler Weg 17–21, 10589 Berlin",
                 "", "Geschäftsnummer: 27 O 412/26", "Berlin, den 18.11.2026"],
        body=[
            "# BESCHLUSS",
            "In der einstweiligen Verfügungssache",
            "Thomas Brandt, Berlin — Antragsteller —",
            "gegen",
            "Social Example Inc. — Antragsgegnerin —",
            "",
            "wird im Wege der einstweiligen Verfügung — wegen Dringlichkeit ohne mündliche "
            "Verhandlung — angeordnet:",
            "",
            "1. Der Antragsgegnerin wird bei Vermeidung eines Ordnungsgeldes untersagt, die unter "
            "der folgenden Adresse abrufbare Behauptung, der Antragsteller habe den "
            "Bezirksbürgermeister bestochen, in der Bundesrepublik Deutschland öffentlich "
            "zugänglich zu machen:",
            "- https://social.example/@berlin_watch/55102",
            "2. Die Kosten des Verfahrens trägt die Antragsgegnerin.",
            "3. Der Streitwert wird auf 20.000 EUR festgesetzt.",
            "",
            "# Gründe",
            "Die Äußerung ist eine unwahre Tatsachenbehauptung, die geeignet ist, den "
            "Antragsteller verächtlich zu machen (§ 186 StGB i. V. m. §§ 823 Abs. 2, 1004 BGB "
            "analog). Die Antragsgegnerin ist seit dem Hinweis vom 03.11.2026 als Störerin "
            "verpflichtet, den Beitrag zu sperren. Die Sperre ist auf Deutschland beschränkt.",
            "",
            "Vorsitzende Richterin am Landgericht Dr. K. Weber",
            "Ausgefertigt: Justizbeschäftigte Krause als Urkundsbeamtin der Geschäftsstelle",
        ]),
    Letter(
        name="tr-btk-sulh-ceza",
        title="BTK — İstanbul 5. Sulh Ceza Hakimliği kararının iletilmesi (BTK-2026-88412)",
        language="tr",
        heading=["T.C.", "BİLGİ TEKNOLOJİLERİ VE İLETİŞİM KURUMU", "İhbar Merkezi",
                 "Eskişehir Yolu 10. km, No: 276, 06530 Çankaya / Ankara", "",
                 "Sayı: BTK-2026-88412", "Tarih: 17/11/2026", "Konu: Erişimin engellenmesi ve içeriğin çıkarılması"],
        body=[
            "# SOCIAL EXAMPLE INC.",
            "5651 sayılı Kanun'un 8/A maddesi uyarınca, kişilerin yaşam hakkının korunması "
            "amacıyla Kurum Başkanlığınca 16/11/2026 tarihinde verilen erişimin engellenmesi "
            "kararı, İstanbul 5. Sulh Ceza Hakimliği'nin 2026/8123 D. İş sayılı kararıyla "
            "onaylanmıştır. Karar ekte sunulmuştur.",
            "",
            "Aşağıdaki içeriğin derhal, en geç 4 (dört) saat içinde yayından çıkarılması ve "
            "Türkiye'den erişiminin engellenmesi gerekmektedir:",
            "- 1) hxxps://social[.]example/@istanbul_voice/66001",
            "",
            "Soruşturma gizlilik kararı (CMK md. 157) kapsamında içerik sahibine bilgi "
            "verilmemesi rica olunur.",
            "",
            "# EK: İSTANBUL 5. SULH CEZA HAKİMLİĞİ",
            "DEĞİŞİK İŞ NO: 2026/8123 D. İş · KARAR TARİHİ: 16/11/2026",
            "Bilgi Teknolojileri ve İletişim Kurumu Başkanlığının 16/11/2026 tarihli ve 5651 "
            "sayılı Kanun'un 8/A maddesine dayanan kararının, gazeteciye yönelik ölüm tehdidi ve "
            "ev adresinin paylaşılması nedeniyle yaşam hakkının korunması bakımından hukuka "
            "uygun olduğu anlaşılmakla ONAYLANMASINA karar verildi. Karara karşı tebliğden "
            "itibaren 7 gün içinde itiraz yolu açıktır.",
            "Hakim 41827",
            "",
            "Mehmet Yılmaz, İhbar Merkezi Daire Başkanı",
        ]),
    Letter(
        name="kz-misd-order",
        title="Предписание МИОР РК № MISD-2026/1203",
        language="ru",
        heading=["ҚАЗАҚСТАН РЕСПУБЛИКАСЫ АҚПАРАТ ЖӘНЕ ҚОҒАМДЫҚ ДАМУ МИНИСТРЛІГІ",
                 "МИНИСТЕРСТВО ИНФОРМАЦИИ И ОБЩЕСТВЕННОГО РАЗВИТИЯ РЕСПУБЛИКИ КАЗАХСТАН",
                 "Астана қ., Мәңгілік Ел даңғ., 8", "",
                 "№ MISD-2026/1203 от 20.11.2026", "Законному представителю Social Example Inc. в РК"],
        body=[
            "# ПРЕДПИСАНИЕ",
            "Қазақстан Республикасының заңнамасымен тыйым салынған ақпаратты жою туралы / "
            "об удалении информации, запрещённой законодательством Республики Казахстан",
            "",
            "На основании обращения родителей несовершеннолетней и в соответствии со "
            "статьёй 9 Закона Республики Казахстан «Об онлайн-платформах и онлайн-рекламе» "
            "требуем в течение 24 (двадцати четырёх) часов:",
            "1. удалить публикации учётной записи, содержащие систематические оскорбления "
            "несовершеннолетней, а также все их копии и репосты;",
            "2. заблокировать учётную запись на территории Республики Казахстан:",
            "- https://social.example/@bully99",
            "3. предоставить сведения о владельце учётной записи (регистрационные данные, "
            "IP-адреса входа за период с 01.11.2026).",
            "",
            "В случае невозможности удаления — как минимум ограничить доступ к указанным "
            "материалам на территории Республики Казахстан.",
            "",
            "Руководитель Департамента мониторинга онлайн-среды А. Нурлановна",
        ]),
    Letter(
        name="es-guardia-civil-oficio",
        title="Guardia Civil — Oficio de preservación y retirada",
        language="es",
        heading=["GUARDIA CIVIL", "Unidad Central Operativa — Grupo de Delitos Telemáticos",
                 "C/ Príncipe de Vergara, 246, 28016 Madrid", "",
                 "Ref.: DT-2026/04418", "Madrid, 19 de noviembre de 2026"],
        body=[
            "# OFICIO",
            "En el marco de las diligencias previas n.º 1187/2026 del Juzgado de Instrucción "
            "n.º 32 de Madrid, y al amparo del artículo 13 de la Ley de Enjuiciamiento Criminal "
            "(primeras diligencias), se solicita a Social Example Inc.:",
            "",
            "1. La retirada de las siguientes publicaciones, que ofrecen la venta de documentos "
            "de identidad falsificados:",
            "- https://social.example/@docs_express/3321",
            "- https://social.example/@docs_express/3324 (y todas sus copias)",
            "2. La conservación de los datos asociados a la cuenta @docs_express durante 90 días.",
            "3. La cesión de los datos de registro de la cuenta, previa autorización judicial "
            "que se remitirá por separado.",
            "",
            "Se ruega contestación en el plazo de cinco días hábiles.",
            "",
            "El Capitán Jefe del Grupo, J. Martín Herrero",
        ]),
]


def redacted(letter: Letter, *, name: str, blacked: list[str], note: str) -> Letter:
    """A copy of ``letter`` with every one of ``blacked`` blacked out (one block per
    character) and ``note`` added to its heading: the redacted copy a reviewer adds in
    place of an original that holds personal data."""

    def black(text: str) -> str:
        for words in blacked:
            text = text.replace(words, "".join(c if c == " " else "█" for c in words))
        return text

    return Letter(name=name, title=f"{letter.title} ({note})", language=letter.language,
                  heading=[*map(black, letter.heading), "", note], body=[black(p) for p in letter.body])


# The Berlin court's decision names the claimant (and its judge and clerk): the demo marks
# it as holding personal data, and this copy goes to Lumen in its place.
LETTERS.append(redacted(next(x for x in LETTERS if x.name == "de-lg-berlin-beschluss"),
                        name="de-lg-berlin-beschluss-geschwaerzt", note="Geschwärzte Fassung",
                        blacked=["Thomas Brandt", "Dr. K. Weber", "Krause"]))


def write(letter: Letter, out: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_title(letter.title)
    pdf.set_lang(letter.language)
    pdf.set_author("docket demo")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_margins(22, 20, 22)

    def footer() -> None:
        pdf.set_y(-16)
        pdf.set_font("DejaVu", "", 7)
        pdf.set_text_color(110)
        pdf.multi_cell(0, 3.5, f"{FOOTER}  {pdf.page_no()}/{{nb}}", align="C",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 9)
    for line in letter.heading:
        pdf.multi_cell(0, 4.6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for paragraph in letter.body:
        if not paragraph:
            pdf.ln(3)
        elif paragraph.startswith("# "):
            pdf.set_font("DejaVu", "B", 11)
            pdf.multi_cell(0, 6, paragraph[2:], align="C" if paragraph[2:].isupper() else "L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif paragraph.startswith("- "):
            pdf.set_font("DejaVu", "", 9.5)
            pdf.set_x(32)
            pdf.multi_cell(0, 5, paragraph[2:], new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5.2, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
    path = out / f"{letter.name}.pdf"
    pdf.output(str(path))
    return path


# Letters also written as a scan: each page drawn at 150 dpi in greys, a little dust and a
# slight turn, in a PDF that holds only the images (no text layer: OCR reads it), as a
# letter that came by post and went through the office's scanner. (the letter, the scan)
SCANS = [("ru-rkn-demand", "ru-rkn-demand-scan")]
SCAN_DPI = 150


def scan(source: Path, out: Path) -> Path:
    import random

    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(source.name)  # the same dust every run
    pages = []
    for page in pdfium.PdfDocument(source.read_bytes()):
        image = page.render(scale=SCAN_DPI / 72).to_pil().convert("L")
        for _ in range(800):
            image.putpixel((rng.randrange(image.width), rng.randrange(image.height)), rng.randrange(90, 200))
        image = image.filter(ImageFilter.GaussianBlur(0.5))
        pages.append(image.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BICUBIC, fillcolor=255))
    pages[0].save(out, format="PDF", resolution=SCAN_DPI, save_all=True, append_images=pages[1:],
                  title=source.stem, author="docket demo", creationDate=CREATED.utctimetuple(),
                  modDate=CREATED.utctimetuple())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the demo's letters and orders as PDFs.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the folder to write them to (default {OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for letter in LETTERS:
        path = write(letter, args.out)
        print(f"{path} ({path.stat().st_size:,} bytes)")
    for name, scanned in SCANS:
        path = scan(args.out / f"{name}.pdf", args.out / f"{scanned}.pdf")
        print(f"{path} ({path.stat().st_size:,} bytes, a scan)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
