"""Letters as authorities write them, for the proposal tests: made up, every authority,
person, number and address in them fictional; the way they are written (letterheads,
defanged and broken addresses, tables, local dates, citations) is not."""

from __future__ import annotations

RU_RKN = """From: Роскомнадзор <zapros@rkn.gov.ru>
To: legal@social.example
Subject: Требование № 04-120051-2026

ФЕДЕРАЛЬНАЯ СЛУЖБА ПО НАДЗОРУ В СФЕРЕ СВЯЗИ,
ИНФОРМАЦИОННЫХ ТЕХНОЛОГИЙ И МАССОВЫХ КОММУНИКАЦИЙ (РОСКОМНАДЗОР)
Китайгородский пр., д. 7, стр. 2, Москва, 109992

03.12.2026 № 04-120051-2026

ТРЕБОВАНИЕ
о принятии мер по удалению информации

На основании решения заместителя Генерального прокурора Российской Федерации от 1 декабря 2026 г. № 27-31-2026/Ид5120-26, принятого в соответствии со ст. 15.3 Федерального закона от 27.07.2006 № 149-ФЗ «Об информации, информационных технологиях и о защите информации», Роскомнадзор требует удалить информацию, содержащую призывы к участию в массовых (публичных) мероприятиях, проводимых с нарушением установленного порядка:

| № | Адрес | Дата выявления |
|---|-------|----------------|
| 1 | hxxps://social[.]example/@ural_voice/91011 | 02.12.2026 |
| 2 | https://social.example/@ural_voice/91014?utm_source=tg | 02.12.2026 |
| 3 | [redacted] | 02.12.2026 |

4. https://social.example/@ural_voice_archive/pinned/
910177
5. https://pravo.gov.ru/proxy/ips/?docbody=&nd=102108264

Номер реестровой записи: 77-2026-120051. Срок исполнения: в течение суток с момента получения настоящего требования.

Начальник Управления контроля и надзора в сфере электронных коммуникаций
И. В. Соколова
"""

TR_BTK = """T.C.
BİLGİ TEKNOLOJİLERİ VE İLETİŞİM KURUMU
İhbar Merkezi

Sayı: BTK-2026-90117
Tarih: 3 Aralık 2026
Konu: Erişimin engellenmesi kararının iletilmesi

SOCIAL EXAMPLE INC.

Ankara 3. Sulh Ceza Hakimliği'nin 2 Aralık 2026 tarihli ve 2026/9144 D. İş sayılı kararı ile, 5651 sayılı Kanun'un 9. maddesi uyarınca kişilik haklarının ihlali nedeniyle aşağıdaki içeriğe erişimin engellenmesine karar verilmiştir:

1) hxxps://social[.]example/@anadolu_haber/70112
2) "https://social.example/@anadolu_haber/70113"

Kararın 24 saat içinde uygulanması gerekmektedir. İçerik hakaret ve iftira niteliğindedir.

Mehmet Yılmaz, İhbar Merkezi Daire Başkanı
"""

HK_POLICE = """HONG KONG POLICE FORCE
Cyber Security and Technology Crime Bureau
Arsenal House, 1 Arsenal Street, Wan Chai, Hong Kong

Our ref: CSTCB/2026/3312
Date: December 2, 2026

Social Example Inc. - Law Enforcement Response Team

REQUEST FOR REMOVAL OF CONTENT

The Hong Kong Police Force is investigating offences under Section 71 of the Crimes Ordinance (Cap. 200). Pursuant to the injunction granted by the Court of First Instance of the High Court in HCMP 2214/2026, we request that you remove the following messages within 24 hours of receipt:

  1.  <https://social.example/@hk_leaks/88001>
  2.  [https://social.example/@hk_leaks/88002]
  3.  [private]

The personal data of the officers concerned (doxxing) has been published in these messages. Please also preserve the data of the account @hk_leaks.

Chief Inspector Wong Ka-ming
"""

ES_GUARDIA_CIVIL = """GUARDIA CIVIL
Unidad Central Operativa — Grupo de Delitos Telemáticos
C/ Príncipe de Vergara, 246, 28016 Madrid

Ref.: DT-2026/05120
Madrid, 2 de diciembre de 2026

OFICIO

En el marco de las diligencias previas n.º 1320/2026 del Juzgado de Instrucción n.º 14 de Madrid, y al amparo del art. 13 LECrim, se solicita a Social Example Inc.:

1. La retirada de las siguientes publicaciones, que ofrecen la venta de documentos de identidad falsificados:
\thttps://social.example/@docs_rapidos/4410
\thttps://social.example/@docs_rapidos/4415 (y todas sus copias)
2. La conservación de los datos asociados a la cuenta @docs_rapidos durante 90 días.

Se ruega contestación en el plazo de cinco días hábiles.

El Capitán Jefe del Grupo, J. Martín Herrero
"""

SG_CERT = """From: SingCERT <singcert@csa.gov.sg>
Subject: Phishing takedown request SG-CERT-2026-4471

Singapore Computer Emergency Response Team (SingCERT)
Cyber Security Agency of Singapore

Date: 2026-12-02

Dear Social Example Trust & Safety,

We have observed a phishing campaign impersonating a local bank. The following posts on your platform link to credential-harvesting pages (defanged):

1. hxxps[://]social[.]example/@dbs_rewards_sg/55401
2. hxxps://social(.)example/@dbs_rewards_sg/55402
3. social[dot]example/@dbs_rewards_sg/55403

The phishing pages themselves are hxxp://dbs-rewards-sg[.]top/login and hxxps://paylah-secure[.]com/verify; the fake app is at https://play.google.com/store/apps/details?id=sg.fake.paylah

Please take down the posts and disable the account @dbs_rewards_sg. Advisory: https://www.csa.gov.sg/alerts-advisories/ad-2026-041

Regards,
SingCERT Incident Response
"""

CN_MINISTRY = """中华人民共和国公安部
网络安全保卫局

文号：公网安〔2026〕1187号

关于删除违法信息的通知

Social Example Inc.：

根据北京市海淀区人民法院（2026）京0108刑初1234号判决，并依据《中华人民共和国网络安全法》第四十七条，现要求你公司在24小时内删除以下信息：

一、https://social.example/@truth_cn/12001
二、https://social.example/@truth_cn/12002

上述信息涉及诈骗。

2026年12月2日
"""

KZ_MINISTRY = """ҚАЗАҚСТАН РЕСПУБЛИКАСЫ МӘДЕНИЕТ ЖӘНЕ АҚПАРАТ МИНИСТРЛІГІ
MINISTRY OF CULTURE AND INFORMATION OF THE REPUBLIC OF KAZAKHSTAN

№ 04-3/2206 | 2026 жылғы 2 желтоқсан / 2 December 2026

Social Example Inc. заңды өкіліне / To the legal representative of Social Example Inc.

«Онлайн-платформалар және онлайн-жарнама туралы» Қазақстан Республикасы Заңының 9-бабына сәйкес мынадай материалдарды 24 сағат ішінде жоюды талап етеміз:

Under Article 9 of the Law of the Republic of Kazakhstan on Online Platforms and Online Advertising, we require that the following materials, which contain systematic insults of a minor (cyberbullying), be removed within 24 hours:

- https://social.example/@kz_bully/3011
- https://kz-bully.pages.social.example/

At the least, block them in the Republic of Kazakhstan.

Департамент / Department of Information Security
"""

DE_BNETZA = """Bundesnetzagentur für Elektrizität, Gas, Telekommunikation, Post und Eisenbahnen
Referat 814 — Digitale Dienste
Tulpenfeld 4, 53113 Bonn

Az.: 814-NetzDG-2026-0318
Bonn, 03.12.2026

An: Social Example Inc., Zustellungsbevollmächtigter

Betreff: Meldung rechtswidriger Inhalte

Sehr geehrte Damen und Herren,

uns wurde der folgende Beitrag gemeldet, der den Tatbestand der Volksverhetzung (§ 130 StGB) erfüllt und damit offensichtlich rechtswidrig im Sinne des NetzDG ist:

https://social.example/@nordwind/20551

Wir bitten Sie, den Inhalt innerhalb von 24 Stunden nach Eingang dieser Meldung in Deutschland zu sperren.

Mit freundlichen Grüßen
Im Auftrag
Dr. A. Becker
"""
