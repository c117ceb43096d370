"""Readable labels of the transparency site in its five languages (en, ru, kk, de, tr).

A data table, kept in this package (the portal's gettext catalogs are another matter): a
code shown on the site (an outcome, a requester kind, a reason, a total, a heading) is
looked up as ``"<group>.<code>"``; a label missing in a language falls back to English,
then to the code itself, so a new code never breaks a page. Countries are named from
CLDR (Babel), statutory clocks are written in hours."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from babel import Locale

LANGS = ("en", "ru", "kk", "de", "tr")
LANG_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "de": "Deutsch", "tr": "Türkçe"}

# (key, en, ru, kk, de, tr)
_ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    # Outcomes (per item).
    ("outcome.restricted", "Restricted under local law", "Ограничено по местному закону",
     "Жергілікті заң бойынша шектелді", "Nach lokalem Recht gesperrt", "Yerel yasaya göre kısıtlandı"),
    ("outcome.removed_policy", "Removed under the platform's rules", "Удалено по правилам платформы",
     "Платформа ережелері бойынша жойылды", "Nach den Plattformregeln entfernt",
     "Platform kurallarına göre kaldırıldı"),
    ("outcome.no_action", "No action taken", "Меры не приняты", "Шара қолданылмады", "Keine Maßnahme",
     "İşlem yapılmadı"),
    ("outcome.rejected_overbroad", "Rejected: broader than the law allows", "Отклонено: шире, чем позволяет закон",
     "Қабылданбады: заң рұқсат еткеннен кең", "Abgelehnt: weiter als das Gesetz erlaubt",
     "Reddedildi: yasanın izin verdiğinden geniş"),
    ("outcome.rejected_invalid", "Rejected: not a valid request", "Отклонено: запрос недействителен",
     "Қабылданбады: сұрау жарамсыз", "Abgelehnt: kein gültiges Ersuchen", "Reddedildi: geçerli bir talep değil"),
    ("outcome.already_removed", "Content already removed", "Контент уже удалён", "Контент бұрын жойылған",
     "Inhalt bereits entfernt", "İçerik zaten kaldırılmış"),
    ("outcome.content_not_found", "Content not found", "Контент не найден", "Контент табылмады",
     "Inhalt nicht gefunden", "İçerik bulunamadı"),
    ("outcome.pending", "Not yet decided", "Ещё не решено", "Әлі шешілмеген", "Noch nicht entschieden",
     "Henüz karar verilmedi"),
    # Requester kinds.
    ("kind.court", "Court", "Суд", "Сот", "Gericht", "Mahkeme"),
    ("kind.government_agency", "Government agency", "Государственный орган", "Мемлекеттік орган", "Behörde",
     "Devlet kurumu"),
    ("kind.police", "Police", "Полиция", "Полиция", "Polizei", "Polis"),
    ("kind.regulator", "Regulator", "Регулятор", "Реттеуші орган", "Regulierungsbehörde", "Düzenleyici kurum"),
    ("kind.trusted_flagger", "Trusted flagger", "Доверенный заявитель", "Сенімді хабарлаушы",
     "Vertrauenswürdiger Hinweisgeber", "Güvenilir bildirici"),
    ("kind.user", "User", "Пользователь", "Пайдаланушы", "Nutzer", "Kullanıcı"),
    ("kind.rights_holder", "Rights holder", "Правообладатель", "Құқық иесі", "Rechteinhaber", "Hak sahibi"),
    ("kind.industry_association", "Industry association", "Отраслевая ассоциация", "Салалық қауымдастық",
     "Branchenverband", "Sektör derneği"),
    ("kind.national_cert", "National CERT / CSIRT", "Национальный CERT / CSIRT", "Ұлттық CERT / CSIRT",
     "Nationales CERT / CSIRT", "Ulusal CERT / CSIRT"),
    ("kind.internet_governance", "Internet-governance body", "Орган управления интернетом",
     "Интернетті басқару органы", "Gremium der Internet-Governance", "İnternet yönetişimi kuruluşu"),
    # Reasons (Google's taxonomy and docket's additions).
    ("reason.child_safety", "Child safety", "Безопасность детей", "Балалар қауіпсіздігі", "Kinderschutz",
     "Çocuk güvenliği"),
    ("reason.terrorist_content", "Terrorist content", "Террористический контент", "Террористік контент",
     "Terroristische Inhalte", "Terör içeriği"),
    ("reason.self_harm", "Self-harm", "Самоповреждение", "Өзіне зиян келтіру", "Selbstverletzung",
     "Kendine zarar verme"),
    ("reason.violence", "Violence", "Насилие", "Зорлық-зомбылық", "Gewalt", "Şiddet"),
    ("reason.suicide_promotion", "Suicide promotion", "Пропаганда суицида", "Суицидті насихаттау",
     "Förderung von Suizid", "İntiharı özendirme"),
    ("reason.cyberbullying", "Cyberbullying", "Кибербуллинг", "Кибербуллинг", "Cybermobbing", "Siber zorbalık"),
    ("reason.bullying_harassment", "Bullying/harassment", "Травля и преследование", "Қорлау және қудалау",
     "Mobbing/Belästigung", "Zorbalık/taciz"),
    ("reason.hate_speech", "Hate speech", "Язык вражды", "Өшпенділік сөзі", "Hassrede", "Nefret söylemi"),
    ("reason.defamation", "Defamation", "Клевета", "Жала жабу", "Verleumdung", "Hakaret"),
    ("reason.privacy_security", "Privacy and security", "Конфиденциальность и безопасность",
     "Құпиялылық және қауіпсіздік", "Datenschutz und Sicherheit", "Gizlilik ve güvenlik"),
    ("reason.national_security", "National security", "Национальная безопасность", "Ұлттық қауіпсіздік",
     "Nationale Sicherheit", "Ulusal güvenlik"),
    ("reason.religious_offense", "Religious offense", "Оскорбление религии", "Дінді қорлау",
     "Religiöse Beleidigung", "Dini hakaret"),
    ("reason.government_criticism", "Government criticism", "Критика власти", "Билікті сынау",
     "Kritik an der Regierung", "Hükümet eleştirisi"),
    ("reason.electoral_law", "Electoral law", "Избирательное право", "Сайлау заңы", "Wahlrecht", "Seçim hukuku"),
    ("reason.geographical_dispute", "Geographical dispute", "Территориальный спор", "Аумақтық дау",
     "Territorialstreit", "Coğrafi anlaşmazlık"),
    ("reason.impersonation", "Impersonation", "Выдача себя за другого", "Басқа адамның атын жамылу",
     "Identitätsanmaßung", "Kimliğe bürünme"),
    ("reason.obscenity_nudity", "Obscenity/nudity", "Непристойность/нагота", "Әдепсіздік/жалаңаштық",
     "Obszönität/Nacktheit", "Müstehcenlik/çıplaklık"),
    ("reason.adult_content", "Adult content", "Контент для взрослых", "Ересектерге арналған контент",
     "Inhalte für Erwachsene", "Yetişkin içeriği"),
    ("reason.drug_abuse", "Drug abuse", "Наркотики", "Есірткі", "Drogenmissbrauch", "Uyuşturucu"),
    ("reason.regulated_goods_services", "Regulated goods and services", "Регулируемые товары и услуги",
     "Реттелетін тауарлар мен қызметтер", "Regulierte Waren und Dienstleistungen",
     "Düzenlemeye tabi mal ve hizmetler"),
    ("reason.illegal_goods", "Illegal goods", "Незаконные товары", "Заңсыз тауарлар", "Illegale Waren",
     "Yasa dışı mallar"),
    ("reason.fraud", "Fraud", "Мошенничество", "Алаяқтық", "Betrug", "Dolandırıcılık"),
    ("reason.copyright", "Copyright", "Авторское право", "Авторлық құқық", "Urheberrecht", "Telif hakkı"),
    ("reason.trademark", "Trademark", "Товарный знак", "Тауар белгісі", "Marke", "Ticari marka"),
    ("reason.business_complaints", "Business complaints", "Жалобы бизнеса", "Бизнес шағымдары",
     "Beschwerden von Unternehmen", "Ticari şikâyetler"),
    ("reason.other", "Other", "Другое", "Басқа", "Sonstiges", "Diğer"),
    ("reason.unspecified", "Unspecified", "Не указано", "Көрсетілмеген", "Nicht angegeben", "Belirtilmemiş"),
    # Totals.
    ("total.requests", "Requests", "Запросы", "Сұраулар", "Ersuchen", "Talepler"),
    ("total.items", "Items requested", "Запрошенные материалы", "Сұралған материалдар", "Beanstandete Inhalte",
     "Talep edilen öğeler"),
    ("total.items_decided", "Items decided", "Решено по материалам", "Шешілген материалдар",
     "Entschiedene Inhalte", "Karara bağlanan öğeler"),
    ("total.requests_complied", "Requests fully or partly complied with", "Запросы, выполненные полностью или частично",
     "Толық немесе ішінара орындалған сұраулар", "Ganz oder teilweise befolgte Ersuchen",
     "Tamamen veya kısmen uyulan talepler"),
    ("total.complied_share", "% fully or partly complied with", "% выполненных полностью или частично",
     "% толық немесе ішінара орындалған", "% ganz oder teilweise befolgt", "% tamamen veya kısmen uyulan"),
    ("total.clarifications", "Requests clarified", "Запросы с уточнением", "Нақтыланған сұраулар",
     "Nachgefragte Ersuchen", "Açıklama istenen talepler"),
    ("total.emergencies", "Emergencies", "Экстренные запросы", "Шұғыл сұраулар", "Notfälle", "Acil talepler"),
    ("total.gag_holds", "Gag orders", "Запреты на уведомление", "Хабарлауға тыйым", "Schweigeanordnungen",
     "Bildirim yasakları"),
    ("total.notices_held", "Notices delayed by a gag order", "Уведомления, задержанные запретом",
     "Тыйыммен кешіктірілген хабарламалар", "Durch Schweigeanordnung verzögerte Mitteilungen",
     "Yasak nedeniyle geciken bildirimler"),
    ("total.appeals", "Appeals", "Обжалования", "Шағымдар", "Beschwerden", "İtirazlar"),
    ("total.appeals_reversed", "Appeals: decision reversed", "Обжалования: решение отменено",
     "Шағымдар: шешім жойылды", "Beschwerden: Entscheidung aufgehoben", "İtirazlar: karar bozuldu"),
    ("total.appeals_upheld", "Appeals: decision upheld", "Обжалования: решение оставлено",
     "Шағымдар: шешім өзгеріссіз", "Beschwerden: Entscheidung bestätigt", "İtirazlar: karar onandı"),
    ("total.trusted_flagger_items", "Items from trusted flaggers", "Материалы от доверенных заявителей",
     "Сенімді хабарлаушылардан материалдар", "Inhalte von vertrauenswürdigen Hinweisgebern",
     "Güvenilir bildiricilerden öğeler"),
    ("total.coordinated_bursts", "Items in coordinated bursts of reports",
     "Материалы в скоординированных всплесках жалоб",
     "Үйлестірілген шағым толқынындағы материалдар", "Inhalte in koordinierten Meldewellen",
     "Koordineli şikâyet dalgalarındaki öğeler"),
    ("total.data_disclosure_requests", "Requests to disclose user data", "Запросы на раскрытие данных",
     "Деректерді ашу сұраулары", "Ersuchen um Herausgabe von Nutzerdaten", "Kullanıcı verisi açıklama talepleri"),
    ("total.data_preservation_requests", "Requests to preserve user data", "Запросы на сохранение данных",
     "Деректерді сақтау сұраулары", "Ersuchen um Sicherung von Nutzerdaten", "Kullanıcı verisi saklama talepleri"),
    ("median.acknowledge", "Median hours to acknowledge", "Медиана часов до подтверждения",
     "Растауға дейінгі сағат медианасы", "Median Stunden bis zur Bestätigung", "Onaya kadar medyan saat"),
    ("median.decide", "Median hours to decide", "Медиана часов до решения", "Шешімге дейінгі сағат медианасы",
     "Median Stunden bis zur Entscheidung", "Karara kadar medyan saat"),
    ("median.give_effect", "Median hours to give effect", "Медиана часов до исполнения",
     "Орындауға дейінгі сағат медианасы", "Median Stunden bis zur Umsetzung", "Uygulamaya kadar medyan saat"),
    # Page text.
    ("ui.site", "Transparency report", "Отчёт о прозрачности", "Ашықтық есебі", "Transparenzbericht",
     "Şeffaflık raporu"),
    ("ui.archive", "Published periods", "Опубликованные периоды", "Жарияланған кезеңдер",
     "Veröffentlichte Zeiträume", "Yayımlanan dönemler"),
    ("ui.countries", "Countries", "Страны", "Елдер", "Länder", "Ülkeler"),
    ("ui.country", "Country", "Страна", "Ел", "Land", "Ülke"),
    ("ui.downloads", "Downloads", "Скачать", "Жүктеп алу", "Downloads", "İndirmeler"),
    ("ui.language", "Language", "Язык", "Тіл", "Sprache", "Dil"),
    ("ui.totals", "Totals", "Итоги", "Қорытынды", "Summen", "Toplamlar"),
    ("ui.requester", "Requester", "Заявитель", "Сұраушы", "Ersuchende Stelle", "Talep eden"),
    ("ui.reason", "Reason", "Причина", "Себеп", "Grund", "Gerekçe"),
    ("ui.outcome", "Outcome", "Результат", "Нәтиже", "Ergebnis", "Sonuç"),
    ("ui.clock", "Statutory clock", "Срок по закону", "Заңды мерзім", "Gesetzliche Frist", "Yasal süre"),
    ("ui.requests", "Requests", "Запросы", "Сұраулар", "Ersuchen", "Talepler"),
    ("ui.items", "Items", "Материалы", "Материалдар", "Inhalte", "Öğeler"),
    ("ui.share", "Share %", "Доля, %", "Үлесі, %", "Anteil %", "Pay %"),
    ("ui.complied", "% complied", "% выполнено", "% орындалды", "% befolgt", "% uyuldu"),
    ("ui.in_time", "Decided within the clock", "Решено в срок", "Мерзімінде шешілді", "Fristgerecht entschieden",
     "Süresinde karara bağlandı"),
    ("ui.late", "Decided after the clock", "Решено с опозданием", "Мерзімінен кеш шешілді",
     "Nach Fristablauf entschieden", "Süre geçtikten sonra karara bağlandı"),
    ("ui.open", "Not yet decided", "Ещё не решено", "Әлі шешілмеген", "Noch nicht entschieden",
     "Henüz karar verilmedi"),
    ("ui.hours", "h", "ч", "сағ", "Std.", "sa"),
    ("ui.trend", "Requests across periods", "Запросы по периодам", "Кезеңдер бойынша сұраулар",
     "Ersuchen über die Zeiträume", "Dönemlere göre talepler"),
    ("ui.period", "Period", "Период", "Кезең", "Zeitraum", "Dönem"),
    ("ui.month", "Month", "Месяц", "Ай", "Monat", "Ay"),
    ("ui.table", "Table", "Таблица", "Кесте", "Tabelle", "Tablo"),
    ("ui.total", "Total", "Всего", "Барлығы", "Gesamt", "Toplam"),
    ("ui.none", "None.", "Нет.", "Жоқ.", "Keine.", "Yok."),
    ("ui.current", "current", "текущий", "ағымдағы", "aktuell", "güncel"),
    ("ui.by_kind", "Requests by requester", "Запросы по заявителям", "Сұраушылар бойынша сұраулар",
     "Ersuchen nach ersuchender Stelle", "Talep edene göre talepler"),
    ("ui.by_reason", "Requests by reason", "Запросы по причинам", "Себептер бойынша сұраулар",
     "Ersuchen nach Grund", "Gerekçeye göre talepler"),
    ("ui.by_outcome", "Items by outcome", "Материалы по результатам", "Нәтижелер бойынша материалдар",
     "Inhalte nach Ergebnis", "Sonuca göre öğeler"),
    ("ui.by_clock", "Items by statutory clock", "Материалы по срокам закона", "Заңды мерзімдер бойынша материалдар",
     "Inhalte nach gesetzlicher Frist", "Yasal süreye göre öğeler"),
    ("ui.by_month", "Requests per month by country", "Запросы по месяцам и странам", "Айлар мен елдер бойынша сұраулар",
     "Ersuchen pro Monat und Land", "Aylara ve ülkelere göre talepler"),
    ("ui.outcome_shares", "Outcome shares (per item)", "Доли результатов (по материалам)",
     "Нәтижелер үлесі (материал бойынша)", "Anteile der Ergebnisse (je Inhalt)", "Sonuç payları (öğe başına)"),
    ("ui.decision_times", "Time from receipt to decision (items)", "Время от получения до решения (материалы)",
     "Алғаннан шешімге дейінгі уақыт (материалдар)", "Zeit vom Eingang bis zur Entscheidung (Inhalte)",
     "Alındıktan karara kadar geçen süre (öğeler)"),
    ("ui.requests_table", "Requests by country, requester and reason", "Запросы по странам, заявителям и причинам",
     "Елдер, сұраушылар және себептер бойынша сұраулар", "Ersuchen nach Land, ersuchender Stelle und Grund",
     "Ülke, talep eden ve gerekçeye göre talepler"),
    ("ui.orders", "Court orders and other government requests", "Решения судов и другие запросы властей",
     "Сот шешімдері және биліктің басқа сұраулары", "Gerichtsbeschlüsse und andere staatliche Ersuchen",
     "Mahkeme kararları ve diğer devlet talepleri"),
    ("ui.court_orders", "Court orders", "Решения судов", "Сот шешімдері", "Gerichtsbeschlüsse", "Mahkeme kararları"),
    ("ui.other_requests", "Other requests", "Другие запросы", "Басқа сұраулар", "Andere Ersuchen", "Diğer talepler"),
    ("ui.equal", "Equal treatment of governments", "Равное отношение к государствам", "Мемлекеттерге тең қарау",
     "Gleichbehandlung der Staaten", "Devletlere eşit muamele"),
    ("ui.user_reports", "User reports by reason", "Жалобы пользователей по причинам",
     "Пайдаланушы шағымдары себептер бойынша", "Nutzermeldungen nach Grund", "Gerekçeye göre kullanıcı bildirimleri"),
    ("ui.reports", "Reports", "Жалобы", "Шағымдар", "Meldungen", "Bildirimler"),
)

_COLUMN = {lang: i for i, lang in enumerate(LANGS)}
TABLE: dict[str, dict[str, str]] = {lang: {row[0]: row[1 + i] for row in _ROWS} for lang, i in _COLUMN.items()}


def choose(query: str | None, accept_language: str | None) -> str:
    """The language asked for: ``?lang=`` first, then the best of Accept-Language, else English."""
    if query and query.lower() in TABLE:
        return query.lower()
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in TABLE and q > 0:
            weighted.append((-q, i, base))
    return min(weighted)[2] if weighted else "en"


@dataclass(frozen=True)
class Labels:
    """The labels of one language."""

    lang: str

    def __call__(self, key: str) -> str:
        """The label of ``key`` ("outcome.restricted"): this language's, else English, else the code."""
        return TABLE[self.lang].get(key) or TABLE["en"].get(key) or key.split(".", 1)[-1].replace("_", " ")

    def country(self, code: str) -> str:
        """A country's name in this language (CLDR)."""
        return _territories(self.lang).get(code.upper(), code)

    def clock(self, hours: int | None) -> str:
        return "—" if hours is None else f"{hours} {self('ui.hours')}"


@functools.cache
def _territories(lang: str) -> dict[str, str]:
    """CLDR's country names in ``lang`` (read once: Babel loads a locale's data on each parse)."""
    return dict(Locale.parse(lang).territories)


def labels(lang: str) -> Labels:
    return Labels(lang if lang in TABLE else "en")
