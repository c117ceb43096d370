"""Readable labels of the transparency site in its five languages (en, ru, kk, de, tr).

A data table, kept in this package (the portal's gettext catalogs are another matter): a
code shown on the site (an outcome, a requester kind, a reason, a total, a heading) is
looked up as ``"<group>.<code>"``, and so is each explanatory paragraph (``text.*``). A
label missing in a language falls back to English, then to the code itself, so a new code
never breaks a page; tests/transparency/test_snapshots.py fails on any key of the pages
missing in a language, or a paragraph left in English. Countries are named from CLDR
(Babel), statutory clocks are written in hours."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from babel import Locale
from markupsafe import Markup, escape

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
    ("kind.platform", "The platform's own detection", "Собственное обнаружение платформы",
     "Платформаның өз анықтауы", "Eigene Erkennung der Plattform", "Platformun kendi tespiti"),
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
    ("ui.submitter", "Submitter", "Отправитель", "Жіберуші", "Einreichende Stelle", "Gönderen"),
    ("ui.channels", "Channels used", "Использованные каналы", "Пайдаланылған арналар", "Genutzte Kanäle",
     "Kullanılan kanallar"),
    # Time-to-decision buckets (aggregates.BUCKETS), keyed by their English label.
    ("bucket.< 1 h", "< 1 h", "< 1 ч", "< 1 сағ", "< 1 Std.", "< 1 sa"),
    ("bucket.1–24 h", "1–24 h", "1–24 ч", "1–24 сағ", "1–24 Std.", "1–24 sa"),
    ("bucket.1–2 days", "1–2 days", "1–2 дня", "1–2 күн", "1–2 Tage", "1–2 gün"),
    ("bucket.2–7 days", "2–7 days", "2–7 дней", "2–7 күн", "2–7 Tage", "2–7 gün"),
    ("bucket.7–30 days", "7–30 days", "7–30 дней", "7–30 күн", "7–30 Tage", "7–30 gün"),
    ("bucket.≥ 30 days", "≥ 30 days", "≥ 30 дней", "≥ 30 күн", "≥ 30 Tage", "≥ 30 gün"),
    # The explanatory paragraphs: {name} is filled in by the page (Labels.text).
    ("text.lead",
     "Requests to restrict content received from {start} to {end} (UTC), counted per request, with outcomes "
     "counted per item. Generated {generated} UTC.",
     "Запросы на ограничение контента, полученные с {start} по {end} (UTC): запросы считаются поштучно, "
     "результаты — по каждому материалу. Сформировано {generated} UTC.",
     "{start} – {end} аралығында (UTC) келіп түскен контентті шектеу туралы сұраулар: сұраулар бір-бірлеп, "
     "нәтижелер әр материал бойынша есептеледі. Жасалған уақыты: {generated} UTC.",
     "Ersuchen um Sperrung von Inhalten, eingegangen vom {start} bis zum {end} (UTC), gezählt je Ersuchen, "
     "die Ergebnisse je Inhalt. Erstellt am {generated} UTC.",
     "{start} ile {end} (UTC) arasında alınan içerik kısıtlama talepleri; talepler tek tek, sonuçlar her öğe "
     "için ayrı sayılmıştır. Oluşturulma: {generated} UTC."),
    ("text.complied",
     "A request is fully or partially complied with when at least one of its items was restricted or removed.",
     "Запрос считается выполненным полностью или частично, если хотя бы один из его материалов был ограничен "
     "или удалён.",
     "Сұраудың кемінде бір материалы шектелсе немесе жойылса, сұрау толық немесе ішінара орындалған болып "
     "есептеледі.",
     "Ein Ersuchen gilt als ganz oder teilweise befolgt, wenn mindestens einer seiner Inhalte gesperrt oder "
     "entfernt wurde.",
     "Öğelerinden en az biri kısıtlanan veya kaldırılan bir talebe tamamen veya kısmen uyulmuş sayılır."),
    ("text.stored",
     "Published on {published} UTC. Figures computed on {computed} UTC and checked against the log up to "
     "size {size}.",
     "Опубликовано {published} UTC. Цифры рассчитаны {computed} UTC и сверены с журналом до размера {size}.",
     "Жарияланған уақыты: {published} UTC. Көрсеткіштер {computed} UTC уақытында есептеліп, журналмен "
     "{size} өлшеміне дейін салыстырылды.",
     "Veröffentlicht am {published} UTC. Zahlen berechnet am {computed} UTC und mit dem Protokoll bis "
     "Größe {size} abgeglichen.",
     "Yayımlanma: {published} UTC. Rakamlar {computed} UTC tarihinde hesaplandı ve kayıtla {size} boyutuna "
     "kadar karşılaştırıldı."),
    ("text.revised",
     "Revised on {revised} UTC: the figures changed after they were first published (late decisions, or "
     "decisions reversed on appeal). The audit log records each revision.",
     "Пересмотрено {revised} UTC: цифры изменились после первой публикации (поздние решения или решения, "
     "отменённые по обжалованию). Журнал аудита фиксирует каждый пересмотр.",
     "{revised} UTC қайта қаралды: алғаш жарияланғаннан кейін көрсеткіштер өзгерді (кеш қабылданған шешімдер "
     "немесе шағым бойынша жойылған шешімдер). Аудит журналы әр қайта қарауды тіркейді.",
     "Überarbeitet am {revised} UTC: Die Zahlen haben sich nach der ersten Veröffentlichung geändert (späte "
     "Entscheidungen oder auf Beschwerde aufgehobene Entscheidungen). Das Prüfprotokoll verzeichnet jede "
     "Überarbeitung.",
     "{revised} UTC tarihinde güncellendi: Rakamlar ilk yayımlandıktan sonra değişti (geç verilen kararlar "
     "veya itiraz üzerine bozulan kararlar). Denetim kaydı her güncellemeyi kaydeder."),
    ("text.log_heading", "The log these figures were computed over", "Журнал, по которому рассчитаны эти цифры",
     "Осы көрсеткіштер есептелген журнал", "Das Protokoll, aus dem diese Zahlen berechnet wurden",
     "Bu rakamların hesaplandığı denetim kaydı"),
    ("text.log_state",
     "Every figure below is the state of docket's verifiable audit log at tree size {size} (its events 1 to "
     "{last}), root hash {root}.",
     "Все цифры ниже отражают состояние проверяемого журнала аудита docket при размере дерева {size} "
     "(события с 1 по {last}), корневой хеш {root}.",
     "Төмендегі әрбір көрсеткіш docket-тің тексерілетін аудит журналының ағаш өлшемі {size} болған кездегі "
     "күйі (1–{last} оқиғалары), түбір хеші: {root}.",
     "Jede Zahl unten gibt den Stand des überprüfbaren Prüfprotokolls von docket bei Baumgröße {size} wieder "
     "(seine Ereignisse 1 bis {last}), Wurzel-Hash {root}.",
     "Aşağıdaki her rakam, docket'in doğrulanabilir denetim kaydının {size} ağaç boyutundaki durumudur "
     "(1–{last} arası olaylar), kök hash değeri {root}."),
    ("text.log_signed", "The log signed a checkpoint at exactly that size:",
     "Журнал подписал контрольную точку ровно при этом размере:",
     "Журнал дәл осы өлшемде бақылау нүктесіне қол қойды:",
     "Das Protokoll hat genau bei dieser Größe einen Checkpoint signiert:",
     "Kayıt, tam bu boyutta bir kontrol noktası imzaladı:"),
    ("text.log_unsigned",
     "No checkpoint was signed at exactly that size (a report signs one when docket has a signing key); any "
     "later signed checkpoint covers this root through a consistency proof.",
     "Ровно при этом размере контрольная точка не подписывалась (отчёт подписывает её, если у docket есть ключ "
     "подписи); любая более поздняя подписанная контрольная точка охватывает этот корень через доказательство "
     "согласованности.",
     "Дәл осы өлшемде бақылау нүктесіне қол қойылмаған (docket-те қолтаңба кілті болса, есеп оған қол "
     "қояды); кейінгі кез келген қол қойылған бақылау нүктесі бұл түбірді сәйкестік дәлелі арқылы қамтиды.",
     "Genau bei dieser Größe wurde kein Checkpoint signiert (ein Bericht signiert einen, wenn docket einen "
     "Signaturschlüssel hat); jeder spätere signierte Checkpoint deckt diese Wurzel über einen "
     "Konsistenzbeweis ab.",
     "Tam bu boyutta imzalanmış bir kontrol noktası yok (docket'in imza anahtarı varsa rapor bir tane "
     "imzalar); sonraki her imzalı kontrol noktası bu kökü bir tutarlılık kanıtıyla kapsar."),
    ("text.log_replay", "Anyone can compute the same figures again from the log: {command}.",
     "Любой может заново рассчитать те же цифры по журналу: {command}.",
     "Кез келген адам дәл осы көрсеткіштерді журналдан қайта есептей алады: {command}.",
     "Jeder kann dieselben Zahlen aus dem Protokoll neu berechnen: {command}.",
     "Aynı rakamları herkes kayıttan yeniden hesaplayabilir: {command}."),
    ("text.months_desc", "Stacked bars, one per month; the table below gives the same figures.",
     "Составные столбцы, по одному на месяц; в таблице ниже — те же цифры.",
     "Әр айға бір қабатты бағана; төмендегі кестеде дәл сол көрсеткіштер берілген.",
     "Gestapelte Balken, einer je Monat; die Tabelle darunter enthält dieselben Zahlen.",
     "Her ay için bir yığılmış çubuk; aşağıdaki tablo aynı rakamları verir."),
    ("text.orders",
     "As Google's report counts them: an order is a court order when the authority that decided it is a "
     "court, whoever transmitted it; every other government request (executive, police, regulators) is "
     "counted apart.",
     "Так, как их считает отчёт Google: решение считается судебным, если его вынес суд, кто бы его ни "
     "передал; все остальные запросы властей (исполнительной власти, полиции, регуляторов) считаются "
     "отдельно.",
     "Google есебі санайтындай: шешімді сот шығарса, оны кім жолдағанына қарамастан, ол сот шешімі болып "
     "саналады; биліктің басқа сұраулары (атқарушы билік, полиция, реттеуші органдар) бөлек есептеледі.",
     "So gezählt wie in Googles Bericht: Ein Beschluss ist ein Gerichtsbeschluss, wenn die Stelle, die ihn "
     "erlassen hat, ein Gericht ist – gleich, wer ihn übermittelt hat; alle anderen staatlichen Ersuchen "
     "(Exekutive, Polizei, Regulierungsbehörden) werden gesondert gezählt.",
     "Google'ın raporundaki gibi sayılır: Kararı veren makam bir mahkemeyse, kim iletmiş olursa olsun, karar "
     "mahkeme kararıdır; diğer tüm devlet talepleri (yürütme, polis, düzenleyici kurumlar) ayrı sayılır."),
    ("text.queue_rule_label", "Queue rule:", "Порядок очереди:", "Кезек тәртібі:",
     "Reihenfolge der Warteschlange:", "Kuyruk kuralı:"),
    # The same rule as docket.review.service.QUEUE_RULE (a test keeps the English equal).
    ("text.queue_rule",
     "Open items: emergencies first; then by the severity class of the reason (child safety, terrorist "
     "content, imminent self-harm first); then the earliest statutory deadline, to the hour (so overdue items "
     "lead); then a trusted flagger within its designated area; then more distinct reporters; then the "
     "earliest received. The requester's identity is never a sort key.",
     "Открытые материалы: сначала экстренные; затем по классу тяжести причины (сначала безопасность детей, "
     "террористический контент, непосредственная угроза самоповреждения); затем по самому раннему сроку по "
     "закону с точностью до часа (поэтому просроченные идут первыми); затем материалы доверенного заявителя "
     "в пределах его назначенной области; затем материалы с большим числом разных заявителей; затем "
     "полученные раньше. Личность заявителя никогда не влияет на порядок.",
     "Ашық материалдар: алдымен шұғыл сұраулар; содан кейін себептің ауырлық сыныбы бойынша (алдымен "
     "балалар қауіпсіздігі, террористік контент, өзіне зиян келтірудің тікелей қаупі); содан кейін сағатына "
     "дейінгі дәлдікпен ең ерте заңды мерзім бойынша (сондықтан мерзімі өткендер алда тұрады); содан кейін "
     "өзіне белгіленген сала шегіндегі сенімді хабарлаушы; содан кейін әртүрлі хабарлаушылары көбірек "
     "материалдар; содан кейін ең ерте түскендер. Сұраушының кім екені ешқашан ретке әсер етпейді.",
     "Offene Inhalte: zuerst Notfälle; dann nach der Schwereklasse des Grundes (zuerst Kinderschutz, "
     "terroristische Inhalte, unmittelbar drohende Selbstverletzung); dann die früheste gesetzliche Frist, auf "
     "die Stunde genau (überfällige Inhalte stehen daher vorn); dann ein vertrauenswürdiger Hinweisgeber in "
     "seinem benannten Bereich; dann mehr verschiedene Meldende; dann der früheste Eingang. Wer ersucht, ist "
     "nie ein Sortierkriterium.",
     "Açık öğeler: önce acil durumlar; sonra gerekçenin ağırlık sınıfına göre (önce çocuk güvenliği, terör "
     "içeriği, yakın kendine zarar verme tehlikesi); sonra saatine kadar en erken yasal süre (böylece süresi "
     "geçenler öne çıkar); sonra belirlenmiş alanı içindeki güvenilir bildirici; sonra daha çok sayıda farklı "
     "bildirimde bulunan; sonra en erken alınan. Talep edenin kimliği hiçbir zaman sıralama ölçütü değildir."),
    ("text.equal_caption", "Per government submitter and jurisdiction",
     "По каждому государственному заявителю и юрисдикции", "Әр мемлекеттік сұраушы және юрисдикция бойынша",
     "Je staatlicher ersuchender Stelle und Rechtsordnung", "Her devlet talep edeni ve yargı alanı için"),
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

    def text(self, key: str, **parts: Any) -> Markup:
        """An explanatory paragraph in this language with its ``{name}`` parts filled in:
        the text is escaped, the parts too unless they are Markup (a figure in <strong>)."""
        return Markup(escape(self(key))).format(**parts)

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
