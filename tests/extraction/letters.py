"""The letters of the generated corpus (``corpus.py``): notices modelled on ones that
governments publish — Roskomnadzor's demands under Article 15.1 of Federal Law No. 149-FZ,
a Turkish criminal judgeship's decision transmitted by BTK, the Hong Kong Police under
section 71 of the Crimes Ordinance, the Guardia Civil under art. 13 LECrim, SingCERT, a
Chinese ministry citing Article 300 of the Criminal Law, Kazakhstan's Ministry of
Culture and Information — each with its known answers. Every authority, person, number
and address is made up.

A template is a function of ``n`` (which notice of its kind) that returns a
:class:`Letter`: its paragraphs in the national language, the same in English where a
bilingual version exists, and the answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

PLATFORM = "social.example"


@dataclass(frozen=True)
class Answers:
    """What a reader of the notice should find in it."""

    platform_addresses: list[str]  # the targets on the platform, refanged
    other_addresses: list[str]  # targets elsewhere (not the platform's)
    country: str  # ISO 3166-1 alpha-2
    sending_authority: str
    issuing_authority: str  # who issued the order (a court, a prosecutor); the sender if itself
    languages: list[str]  # ISO 639-1, the national one first
    order_number: str
    order_date: str  # ISO 8601
    laws: list[str]  # the cited provisions, as a person would write them in English
    measures: list[str]  # "remove", "restrict_in_country", "block_account", "preserve_data", "disclose_data"


@dataclass(frozen=True)
class Letter:
    key: str  # the template's name, e.g. "ru-rkn"
    language: str
    subject: str
    sender: str  # the From header
    paragraphs: list[str]  # in the national language; "\n" inside a paragraph breaks a line
    english: list[str] = field(default_factory=list)  # the English version, paragraph for paragraph
    answers: Answers | None = None


def _users(n: int, names: list[str]) -> str:
    return names[n % len(names)]


def _defang(url: str, style: int) -> str:
    """``url`` written the way CERTs and police letters write it."""
    host_dot = ["", "[.]", "(.)", "[.]", "[dot]"][style % 5]
    if not host_dot:
        return url
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    scheme = {0: scheme, 1: scheme.replace("http", "hxxp"), 2: scheme,
              3: scheme.replace("http", "hxxp") + "[:]", 4: scheme}[style % 5]
    separator = "//" if scheme.endswith("[:]") else "://"
    return f"{scheme.removesuffix('[:]')}{'[:]' if scheme.endswith('[:]') else ''}{separator}" \
           f"{host.replace('.', host_dot)}/{path}"


def _split(url: str) -> str:
    """An address broken over two lines at its last '/', as a narrow column does."""
    head, _, tail = url.rpartition("/")
    return f"{head}/\n{tail}"


def _addresses(n: int, users: list[str], other_host: str) -> tuple[list[str], list[str], list[str]]:
    """Three targets: two on the platform (one a user's own site), one elsewhere; their
    written forms (defanged, one split over two lines) and the refanged answers."""
    user = _users(n, users)
    post = 40_000 + 137 * n
    platform = [f"https://{PLATFORM}/@{user}/{post}", f"https://{user.replace('_', '-')}.pages.{PLATFORM}/post/{n + 3}"]
    other = [f"https://{other_host}/news/{2026}/{11}/{n + 10}"]
    written = [_defang(platform[0], n), platform[1], _defang(other[0], n + 1)]
    if n % 3 == 2:
        written[0] = _split(written[0])
    return written, platform, other


def _numbered(written: list[str], placeholder: bool) -> str:
    lines = [f"{i}. {w}" for i, w in enumerate(written, start=1)]
    if placeholder:
        lines.append(f"{len(lines) + 1}. https://{PLATFORM}/@[redacted]")
    return "\n".join(lines)


def _table(written: list[str], dates: list[str]) -> str:
    rows = ["No. | URL | Date"]
    rows += [f"{i} | {w.replace(chr(10), '')} | {d}" for i, (w, d) in enumerate(zip(written, dates, strict=False), 1)]
    return "\n".join(rows)


def _date(n: int) -> dt.date:
    return dt.date(2026, 11, 1) + dt.timedelta(days=(n * 3) % 28)


RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
             "октября", "ноября", "декабря"]
ES_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre"]


def ru_rkn(n: int) -> Letter:
    day = _date(n)
    number = f"04-{117800 + n}-2026"
    written, platform, other = _addresses(n, ["ural_voice", "sibir_news", "volga_talk"], "mirror-news.example")
    listing = _numbered(written, placeholder=n % 2 == 0)
    answers = Answers(platform, other, "RU", "Roskomnadzor", "Prosecutor General's Office of the Russian Federation",
                      ["ru", "en"], number, day.isoformat(),
                      ["Article 15.1 of Federal Law No. 149-FZ", "Article 15.3 of Federal Law No. 149-FZ"],
                      ["remove", "restrict_in_country"])
    return Letter(
        "ru-rkn", "ru", f"Требование № {number} о принятии мер по ограничению доступа",
        "Roskomnadzor <zapros@rkn.gov.example>",
        [f"Федеральная служба по надзору в сфере связи, информационных технологий и массовых коммуникаций "
         f"(Роскомнадзор) направляет настоящее требование от {day:%d.%m.%Y} № {number}.",
         "На основании решения Генеральной прокуратуры Российской Федерации, принятого в соответствии "
         "со статьёй 15.3 Федерального закона от 27.07.2006 № 149-ФЗ «Об информации, информационных "
         "технологиях и о защите информации», а также статьи 15.1 того же закона, Роскомнадзор требует "
         "удалить информацию, размещённую по следующим адресам:",
         listing,
         "Срок исполнения: незамедлительно, но не позднее суток с момента получения настоящего требования. "
         "В случае неисполнения доступ к информационному ресурсу будет ограничен на территории России.",
         "Начальник Управления контроля и надзора в сфере электронных коммуникаций\nИ. В. Соколова"],
        [f"The Federal Service for Supervision of Communications, Information Technology and Mass Media "
         f"(Roskomnadzor) sends this demand of {day:%d %B %Y}, No. {number}.",
         "Under the decision of the Prosecutor General's Office of the Russian Federation taken under "
         "Article 15.3 of Federal Law No. 149-FZ of 27 July 2006 \"On Information, Information Technologies "
         "and Protection of Information\", and Article 15.1 of the same law, Roskomnadzor requires the removal "
         "of the information at the addresses listed above.",
         "Deadline: at once, and no later than twenty-four hours after receipt of this demand. Otherwise "
         "access to the information resource will be restricted in the territory of Russia."],
        answers)


def kz_mci(n: int) -> Letter:
    day = _date(n)
    number = f"02-3-{1400 + n}"
    written, platform, other = _addresses(n, ["almaty_daily", "dala_voice", "kz_truth"], "kaznews.example")
    answers = Answers(platform, other, "KZ", "Ministry of Culture and Information of the Republic of Kazakhstan",
                      "Ministry of Culture and Information of the Republic of Kazakhstan", ["kk", "en"], number,
                      day.isoformat(), ["Article 41-1 of the Law on Mass Media"], ["remove"])
    return Letter(
        "kz-mci", "kk", f"Хат № {number}: заңсыз ақпаратты жою туралы",
        "Ministry of Culture and Information <info@mci.gov.example>",
        [f"Қазақстан Республикасы Мәдениет және ақпарат министрлігі {day:%d.%m.%Y} № {number} хатымен "
         "хабарлайды.",
         "«Бұқаралық ақпарат құралдары туралы» Қазақстан Республикасы Заңының 41-1-бабына сәйкес "
         "министрлік төмендегі мекенжайларда орналастырылған заңсыз ақпаратты жоюды талап етеді:",
         _numbered(written, placeholder=n % 2 == 1),
         "Талапты алған сәттен бастап жиырма төрт сағат ішінде орындау қажет. Орындалмаған жағдайда "
         "ресурсқа қолжетімділік уақытша тоқтатылады.",
         "Ақпарат комитетінің төрағасы\nА. Б. Сапарова"],
        [f"The Ministry of Culture and Information of the Republic of Kazakhstan informs you by letter "
         f"No. {number} of {day:%d %B %Y}.",
         "Under Article 41-1 of the Law of the Republic of Kazakhstan \"On Mass Media\" the ministry demands the "
         "removal of the unlawful information placed at the addresses below:",
         "The demand must be carried out within twenty-four hours of its receipt. Otherwise access to the "
         "resource will be suspended."],
        answers)


def cn_mps(n: int) -> Letter:
    day = _date(n)
    number = f"公网安〔2026〕{300 + n}号"
    written, platform, other = _addresses(n, ["fact_check_cn", "hk_echo", "river_town"], "weibo-mirror.example")
    answers = Answers(platform, other, "CN", "Ministry of Public Security of the People's Republic of China",
                      "Ministry of Public Security of the People's Republic of China", ["zh", "en"], number,
                      day.isoformat(), ["Article 300 of the Criminal Law", "Article 47 of the Cybersecurity Law"],
                      ["remove"])
    return Letter(
        "cn-mps", "zh", f"关于删除违法信息的通知（{number}）", "Ministry of Public Security <notice@mps.gov.example>",
        [f"中华人民共和国公安部网络安全保卫局 {day.year}年{day.month}月{day.day}日 {number}",
         "经查，下列网址发布的信息利用邪教组织破坏法律实施，违反《中华人民共和国刑法》第三百条及"
         "《中华人民共和国网络安全法》第四十七条的规定。请贵公司立即删除下列信息并保存相关记录：",
         _numbered(written, placeholder=n % 2 == 0),
         "请于收到本通知后二十四小时内处理完毕，并将处理结果书面回复我局。",
         "公安部网络安全保卫局（盖章）"],
        [f"Cybersecurity Bureau of the Ministry of Public Security of the People's Republic of China, "
         f"{day:%d %B %Y}, {number}",
         "Upon investigation, the information published at the addresses below uses a cult organisation to "
         "undermine the enforcement of the law, in breach of Article 300 of the Criminal Law of the People's "
         "Republic of China and Article 47 of the Cybersecurity Law. Please remove it at once and keep the records:",
         "Please complete the handling within twenty-four hours of receiving this notice and reply to the "
         "Bureau in writing."],
        answers)


def tr_btk(n: int) -> Letter:
    day = _date(n)
    number = f"2026/{5400 + n} D.İş"
    written, platform, other = _addresses(n, ["ankara_gundem", "bogaz_haber", "ege_ses"], "haber-ayna.example")
    answers = Answers(platform, other, "TR", "Information and Communication Technologies Authority (BTK)",
                      "Istanbul 5th Criminal Judgeship of Peace", ["tr", "en"], number, day.isoformat(),
                      ["Article 8/A of Law No. 5651", "Article 9 of Law No. 5651"],
                      ["remove", "restrict_in_country"])
    return Letter(
        "tr-btk", "tr", f"İstanbul 5. Sulh Ceza Hakimliğinin {number} sayılı kararı",
        "BTK İhbar Merkezi <ihbar@btk.gov.example>",
        [f"T.C. Bilgi Teknolojileri ve İletişim Kurumu, İstanbul 5. Sulh Ceza Hakimliğinin "
         f"{day:%d.%m.%Y} tarihli ve {number} sayılı kararını iletmektedir.",
         "Hakimliğimizce, 5651 sayılı Kanunun 9. maddesi ve 8/A maddesi uyarınca, aşağıda belirtilen "
         "adreslerdeki içeriklere erişimin engellenmesine ve içeriğin çıkarılmasına karar verilmiştir:",
         _numbered(written, placeholder=n % 2 == 1),
         "Kararın dört saat içinde yerine getirilmesi ve sonucun Kurumumuza bildirilmesi rica olunur.",
         "Daire Başkanı\nM. Yılmaz"],
        [f"The Information and Communication Technologies Authority of the Republic of Türkiye transmits the "
         f"decision of the Istanbul 5th Criminal Judgeship of Peace of {day:%d %B %Y}, No. {number}.",
         "The judgeship has decided, under Article 9 and Article 8/A of Law No. 5651, to block access to the "
         "content at the addresses below and to remove the content:",
         "You are asked to carry out the decision within four hours and to inform the Authority of the result."],
        answers)


def es_gc(n: int) -> Letter:
    day = _date(n)
    number = f"DP-{2026}-{880 + n}"
    written, platform, other = _addresses(n, ["madrid_libre", "sur_noticias", "norte_voz"], "foro-espejo.example")
    answers = Answers(platform, other, "ES", "Guardia Civil", "Guardia Civil", ["es", "en"], number,
                      day.isoformat(), ["art. 13 LECrim", "art. 510 Código Penal"],
                      ["remove", "preserve_data"])
    return Letter(
        "es-gc", "es", f"Diligencias {number}: retirada de contenidos", "Guardia Civil <ciberdelitos@gc.gob.example>",
        [f"Guardia Civil, Jefatura de Información, Grupo de Delitos Telemáticos. Madrid, {day.day} de "
         f"{ES_MONTHS[day.month - 1]} de {day.year}. Diligencias {number}.",
         "En el marco de las diligencias de prevención previstas en el artículo 13 de la Ley de Enjuiciamiento "
         "Criminal, por hechos que podrían constituir un delito de odio del artículo 510 del Código Penal, se "
         "solicita la retirada de los contenidos publicados en las siguientes direcciones:",
         _table(written, [f"{(n + i) % 28 + 1:02d}/11/2026" for i in range(3)]) if n % 2 == 0
         else _numbered(written, placeholder=True),
         "Asimismo se solicita la conservación de los datos asociados durante noventa días, a disposición de "
         "la autoridad judicial.",
         "El Capitán Jefe del Grupo\nJ. Martínez Ruiz"],
        [f"Guardia Civil, Intelligence Headquarters, Cybercrime Group. Madrid, {day:%d %B %Y}. "
         f"Proceedings {number}.",
         "As part of the preventive measures under article 13 of the Criminal Procedure Act (LECrim), for acts "
         "that may constitute a hate crime under article 510 of the Criminal Code, the removal of the content "
         "published at the following addresses is requested:",
         "The preservation of the associated data for ninety days, at the disposal of the judicial authority, "
         "is also requested."],
        answers)


def de_lg(n: int) -> Letter:
    day = _date(n)
    number = f"27 O {400 + n}/26"
    written, platform, other = _addresses(n, ["berlin_watch", "spree_blick", "kiez_info"], "blog-spiegel.example")
    answers = Answers(platform, other, "DE", "Landgericht Berlin", "Landgericht Berlin", ["de", "en"], number,
                      day.isoformat(), ["§ 186 StGB", "§ 1004 BGB"], ["restrict_in_country"])
    return Letter(
        "de-lg", "de", f"Beschluss {number}", "Landgericht Berlin <poststelle@lg-berlin.justiz.example>",
        [f"Landgericht Berlin, Zivilkammer 27, Geschäftsnummer {number}, Berlin, den {day:%d.%m.%Y}.",
         "In der einstweiligen Verfügungssache wird der Antragsgegnerin bei Vermeidung eines Ordnungsgeldes "
         "untersagt, die unter den folgenden Adressen abrufbaren Behauptungen in der Bundesrepublik "
         "Deutschland öffentlich zugänglich zu machen:",
         _numbered(written, placeholder=n % 2 == 0),
         "Die Äußerungen sind unwahre Tatsachenbehauptungen im Sinne des § 186 StGB; der Unterlassungsanspruch "
         "folgt aus § 1004 BGB analog. Die Sperre ist auf Deutschland beschränkt.",
         "Vorsitzende Richterin am Landgericht\nDr. K. Weber"],
        [f"Regional Court of Berlin, 27th Civil Chamber, file number {number}, Berlin, {day:%d %B %Y}.",
         "In the interim injunction proceedings the respondent is prohibited, on pain of a fine, from making "
         "the statements available at the following addresses publicly accessible in the Federal Republic of "
         "Germany:",
         "The statements are untrue assertions of fact within the meaning of section 186 of the Criminal Code; "
         "the claim follows from section 1004 of the Civil Code by analogy. The block is limited to Germany."],
        answers)


def hk_police(n: int) -> Letter:
    day = _date(n)
    number = f"CSTCB/{2026}/{7100 + n}"
    written, platform, other = _addresses(n, ["harbour_voice", "kowloon_talk", "lantau_news"], "hk-forum.example")
    answers = Answers(platform, other, "HK", "Hong Kong Police Force", "Hong Kong Police Force", ["en"], number,
                      day.isoformat(), ["Section 71 of the Crimes Ordinance (Cap. 200)"], ["remove", "disclose_data"])
    return Letter(
        "hk-police", "en", f"Request for removal of content, ref. {number}",
        "Cyber Security and Technology Crime Bureau <cstcb@police.gov.example>",
        [f"Hong Kong Police Force, Cyber Security and Technology Crime Bureau. Our ref.: {number}. "
         f"Date: {day:%d %B %Y}.",
         "The Hong Kong Police Force is investigating a case of suspected offences under Section 71 of the "
         "Crimes Ordinance (Cap. 200). The content at the following addresses is believed to be related to the "
         "case. You are requested to remove the content and to provide the subscriber information of the "
         "accounts concerned:",
         _numbered(written, placeholder=n % 2 == 1),
         "Please treat this request as confidential and do not notify the account holders. Should you have "
         "any enquiries, please contact the officer in charge of the case.",
         "Senior Inspector of Police\nChan Tai-man"],
        [], answers)


def sg_cert(n: int) -> Letter:
    day = _date(n)
    number = f"SGCERT-{2026}-{3300 + n}"
    written, platform, other = _addresses(n, ["lion_deals", "marina_giveaway", "merlion_promo"], "phish-kit.example")
    answers = Answers(platform, other, "SG", "Singapore Computer Emergency Response Team (SingCERT)",
                      "Singapore Computer Emergency Response Team (SingCERT)", ["en"], number, day.isoformat(),
                      ["Section 6 of the Online Criminal Harms Act 2023"], ["remove", "block_account"])
    return Letter(
        "sg-cert", "en", f"[{number}] Phishing content hosted on your platform",
        "SingCERT <singcert@csa.gov.example>",
        [f"Singapore Computer Emergency Response Team (SingCERT), Cyber Security Agency of Singapore. "
         f"Incident {number}, reported on {day:%d %B %Y}.",
         "SingCERT has received reports of a phishing campaign impersonating a Singapore bank. The campaign "
         "uses the following links, which we have defanged; under Section 6 of the Online Criminal Harms Act "
         "2023 we request that you take down the content and disable the accounts involved:",
         _numbered(written, placeholder=n % 2 == 0),
         "We would appreciate confirmation once the content has been removed. Thank you for your assistance.",
         "SingCERT Incident Response Team"],
        [], answers)


TEMPLATES: dict[str, Callable[[int], Letter]] = {
    "ru-rkn": ru_rkn, "kz-mci": kz_mci, "cn-mps": cn_mps, "tr-btk": tr_btk,
    "es-gc": es_gc, "de-lg": de_lg, "hk-police": hk_police, "sg-cert": sg_cert,
}
