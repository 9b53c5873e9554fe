# Tend aģenta darba vieta — meklēšana, klienti un administrēšana (latviešu valodā).
# Jābūt visām en/admin.ftl atslēgām.

## Meklēšana
search-title = Meklēšana
search-title-for = Meklēšana: { $q }
search-submit = Meklēt
search-syntax = Kā meklēt
search-help = Jāsakrīt visiem vārdiem, jebkurā valodā. Var lietot "frāzes pēdiņās", -vārdu, lai to izslēgtu, un filtrus, piemēram, status:open, assignee:me, tag:billing, from:example.com, inbox:3, after:2024-05-01 un before:2024-06-01.
search-results = { $count ->
    [zero] Atrasts { $count } sarunu
    [one] Atrasta { $count } saruna
   *[other] Atrastas { $count } sarunas
}
search-none = Neviena saruna neatbilst. Mēģiniet ar mazāk vai citiem vārdiem.

## Klienti
customers-title = Klienti
customers-search = Vārds vai e-pasts
customers-none = Neviens klients neatbilst.
customers-back = Visi klienti
customer-saved = Profils saglabāts.
customer-merged = Abi ieraksti apvienoti. To adreses un sarunas tagad ir šeit.
customer-history = Sarunas
customer-history-none = Nav sarunu, ko jūs drīkstat redzēt.
customer-calls = Zvani
customer-call-col-when = Kad
customer-call-col-call = Zvans
customer-call-col-outcome = Iznākums
call-direction-in = Ienākošs no
call-direction-out = Izejošs uz
call-outcome-answered = Atbildēts
call-outcome-missed = Neatbildēts: jāatzvana
call-outcome-ringing = Zvana
call-outcome-unanswered = Neatbildēja
call-popup-title = Ienākošs zvans
call-popup-open = Atvērtās sarunas
call-popup-recent = Nesenās sarunas
call-popup-none = Agrāku sarunu nav.
call-popup-customer = Atvērt klientu
call-popup-dismiss = Aizvērt
customer-edit = Labot profilu
customer-private-hidden = Tālrunis, laika josla, organizācija un piezīmes ir redzamas tikai vadītājiem, administratoriem un aģentiem, kas drīkst redzēt visas šī klienta sarunas.
customer-language-help = Valodas kods, piemēram, ja, ko, lv, ca vai en.
picker-not-set = Nav iestatīts
customer-language-invalid = “{ $value }” nav Tend zināma valoda. Izvēlieties kādu no saraksta.
customer-name-invalid = Ievadiet vārdu, kas nav garāks par 200 rakstzīmēm.
customer-merge = Apvienot citu ierakstu ar šo
customer-merge-help = Izmantojiet šo, ja vienam cilvēkam ir divi ieraksti. Otra ieraksta adreses un sarunas pāriet uz šejieni, un otrs ieraksts pazūd no saraksta. To nevar atsaukt.
customer-merge-other = Otra klienta numurs vai e-pasts
customer-merge-submit = Apvienot ar šo klientu
merge-other-invalid = Ievadiet otra klienta numuru (piemēram, 42) vai kādu no viņa e-pasta adresēm.
field-phone = Tālrunis
field-notes = Piezīmes
field-last-seen = Pēdējoreiz sazinājās
col-updated = Atjaunināta

## Administrēšana: kopīgais
admin-title = Administrēšana
admin-users = Lietotāji
admin-teams = Komandas
admin-inboxes = Iesūtnes
admin-tokens = API marķieri
admin-users-about = Uzaiciniet cilvēkus, mainiet viņu lomas, deaktivizējiet kontus.
admin-teams-about = Apvienojiet aģentus komandās un izvēlieties, ar kurām iesūtnēm katra komanda strādā.
admin-inboxes-about = E-pasta adreses, IMAP nolasīšana un automātiski apstiprinājumi.
admin-tokens-about = Marķieri integrācijām, kas izmanto REST API.
admin-users-count = { $count ->
    [zero] { $count } lietotāju
    [one] { $count } lietotājs
   *[other] { $count } lietotāji
}
admin-teams-count = { $count ->
    [zero] { $count } komandu
    [one] { $count } komanda
   *[other] { $count } komandas
}
admin-inboxes-count = { $count ->
    [zero] { $count } iesūtņu
    [one] { $count } iesūtne
   *[other] { $count } iesūtnes
}
admin-tokens-count = { $count ->
    [zero] { $count } aktīvu marķieru
    [one] { $count } aktīvs marķieris
   *[other] { $count } aktīvi marķieri
}
admin-saved = Saglabāts.
admin-choose-one = Izvēlieties kādu no saraksta.
admin-back = Atpakaļ
add = Pievienot
remove = Noņemt
secret-label = Nokopējiet to tagad
secret-once = Tas tiek parādīts tikai vienreiz. Tend glabā tikai tā nospiedumu un nevar to parādīt vēlreiz.
field-role = Loma
field-state = Stāvoklis
field-created = Izveidots
field-actions = Darbības
field-address = E-pasta adrese
field-imap-url = Nolasāmā IMAP pastkaste
field-kind = Kanāls
field-label = Nosaukums
field-owner = Lietotājs

## Administrēšana: lietotāji
role-agent = Aģents
role-supervisor = Vadītājs
role-admin = Administrators
user-you = jūs
user-role-of = { $name } loma
user-active = Aktīvs
user-inactive = Deaktivizēts
user-deactivate = Deaktivizēt
user-deactivate-name = Deaktivizēt { $name }
user-reactivate = Aktivizēt atkal
user-reactivate-name = Aktivizēt atkal { $name }
user-new-link = Jauna pieteikšanās saite
user-new-link-name = Jauna pieteikšanās saite: { $name }
user-invite = Uzaicināt kādu
user-invite-help = Tend izveido kontu un iedod jums vienreizēju saiti. Nosūtiet to cilvēkam — ar to viņš pats izvēlēsies paroli. Saite darbojas 7 dienas.
user-invite-submit = Izveidot uzaicinājumu
invite-link-title = Uzaicinājuma saite
invite-link-intro = Nosūtiet šo saiti: { $name }. Tā darbojas vienreiz, 7 dienas, un ļauj izvēlēties paroli.
invite-inactive = Pirms jaunas saites izveides atkal aktivizējiet šo lietotāju.

## Administrēšana: komandas
teams-none = Vēl nav nevienas komandas.
team-create = Izveidot komandu
team-members = Dalībnieki
team-no-members = Vēl neviena.
team-add-member = Pievienot dalībnieku
team-remove-member = Izņemt { $name } no komandas
team-inboxes = Iesūtnes, ar kurām strādā šī komanda
team-no-inboxes = Vēl nav: komandas aģenti neko neredz.
team-grant-inbox = Pievienot iesūtni
team-revoke-inbox = Atņemt komandai { $name }

## Administrēšana: iesūtnes
inbox-kind-email = E-pasts
inbox-kind-chat = Tērzēšana
inbox-kind-web = Tīmekļa veidlapa
inbox-kind-api = API
inbox-kind-telegram = Telegram
inbox-kind-whatsapp = WhatsApp
inbox-default = Noklusējuma
inbox-create = Izveidot iesūtni
inbox-address-help = Obligāta e-pasta iesūtnēm: adrese, uz kuru raksta klienti.
inbox-imap-help-new = Nav obligāts. Tend nolasa jaunas vēstules no šīs pastkastes, piemēram, imaps://user:password@mail.example.com/INBOX.
inbox-imap-help = Tend nolasa { $url }. Atstājiet lauku tukšu, lai to paturētu, vai ievadiet jaunu URL.
inbox-imap-off = Pārtraukt IMAP nolasīšanu
field-imap-after = Pēc ziņojuma nolasīšanas
inbox-imap-after-leave = Atstāt pastkastē
inbox-imap-after-seen = Atzīmēt kā izlasītu
inbox-imap-after-move = Pārvietot uz mapi
field-imap-move-to = Mape, uz kuru pārvietot ziņojumus
inbox-imap-move-help = Izmanto ar “Pārvietot uz mapi”. Ja mapes nav, Tend to izveido. Ziņojumus atzīmē vai pārvieto tikai pēc tam, kad Tend tos ir saglabājis.
inbox-ack = Katrai jaunai e-pasta sarunai sūtīt automātisku apstiprinājumu

## Administrēšana: API marķieri
tokens-none = Vēl nav neviena API marķiera.
token-active = Aktīvs
token-revoke = Atsaukt
token-revoke-gone = Šis marķieris jau ir atsaukts.
token-revoke-name = Atsaukt marķieri { $name }
token-revoked-at = Atsaukts { $when }
token-create = Izveidot marķieri
token-create-help = Marķieris darbojas ar sava lietotāja lomu. Tas tiek parādīts vienreiz, tūlīt pēc izveides.
token-created-title = Jauns API marķieris
token-created-intro = Šis marķieris darbojas kā { $name }. Lietojiet to kā "Authorization: Bearer", aiz kā seko marķieris.

## Atskaites
report-csat-title = Klientu apmierinātība
report-csat-intro = CSAT ir 4 vai 5 zvaigžņu vērtējumu daļa; atbilžu īpatsvars ir to aptauju daļa, uz kurām klienti atbildēja. Aptauja tiek skaitīta periodā, kurā tā tika nosūtīta.
report-from = No
report-to = Līdz
report-period-help = Abi datumi ir iekļauti; dienas ir pēc UTC.
report-bad-date = “{ $q }” nav datums. Rakstiet formā 2026-01-31.
report-from-after-to = Sākuma datums ir pēc beigu datuma.
report-by-agent = Pa aģentiem
report-by-team = Pa komandām
report-no-agent = Bez atbildīgā
report-no-team = Bez komandas
report-by-inbox = Pa iesūtnēm
report-by-channel = Pa kanāliem
report-none = Šajā periodā netika nosūtīta neviena aptauja.
report-col-name = Nosaukums
report-col-csat = CSAT
report-col-response-rate = Atbilžu īpatsvars
report-col-sent = Nosūtītās aptaujas
report-col-answered = Atbildētas
report-col-rated = Novērtētas
report-col-satisfied = Apmierināti (4–5)
report-percent = { $value } %

## Administrēšana: aptauju veidnes
admin-templates = Aptauju veidnes
admin-templates-about = Apmierinātības aptaujas e-pasts un lapa, kurā klienti atbild, katrā valodā.
template-col = Veidne
template-survey-email-subject = Aptaujas e-pasts: temats
template-survey-email-text = Aptaujas e-pasts: teksts
template-survey-message-text = Aptaujas ziņojums (tērzēšanas lietotnes, kanālu API): teksts
template-survey-page = Aptaujas lapa klientiem
template-edit-in = { $name } ({ $to })
template-customized = Mainīta
template-builtin = Iebūvētā
template-customized-at = Administrators to mainīja { $when }.
template-is-builtin = Šī ir iebūvētā veidne.
template-source = Veidne (minijinja)
template-help = Pirms saglabāšanas Tend pārbauda, vai tā darbojas ar parauga datiem. Mainīgie:
template-reset = Atjaunot iebūvēto veidni
template-reset-help = Jūsu izmaiņas šajā veidnē tiks dzēstas.

## Iesūtnes publiskie kanāli (tērzēšanas logrīks, saziņas forma)
inbox-public-link = Tērzēšanas un formas iestatījumi
public-title = { $name }: tērzēšanas un formas iestatījumi
public-embed = Iegulšanas kods
public-embed-chat-help = Ievietojiet šo tagu katrā vietnes lapā, kur jāpiedāvā tērzēšana.
public-embed-form-help = Ievietojiet šo rāmi vietnes lapā, lai iegultu saziņas formu.
public-origins = Vietnes, kurām atļauts iegult (viena izcelsme katrā rindā)
public-origins-help = Piemēram, https://shop.example. Tend paša adrese vienmēr ir atļauta.
public-require-name = Pirms tērzēšanas jautāt apmeklētāja vārdu
public-require-email = Pirms tērzēšanas jautāt apmeklētāja e-pasta adresi
public-identity = Jauns identitātes noslēpums pierakstītiem apmeklētājiem
public-identity-help = Jūsu vietne paraksta lietotāja ID ar HMAC-SHA256 ar šo noslēpumu (data-user-id, data-user-hash). Atstājiet tukšu, lai paturētu pašreizējo.
public-identity-set = Noslēpums ir iestatīts: pierakstītos apmeklētājus atpazīst, un viņi redz savu vēsturi.
public-identity-unset = Noslēpums nav iestatīts: apmeklētāju identitātes netiek pieņemtas.
public-identity-clear = Izslēgt identitātes pārbaudi
public-hours = Darba laiks
public-hours-help = Katrai dienai laiki kā 09:00-17:00, vairākus atdalot ar komatiem. Ja visas dienas tukšas, vienmēr atvērts.
public-timezone = Laika josla (IANA, piem., Europe/Riga)
public-max-wait = Piedāvāt e-pastu, ja paredzamā gaidīšana ir ilgāka par (minūtes)

## Admin: mail quarantine
admin-quarantine = Pasta karantīna
admin-quarantine-about = Ienākošais pasts, kas tika aizturēts vai ignorēts: lejupielādējiet oriģinālu un apstrādājiet to vēlreiz.
quarantine-intro = Pasts, no kura Tend neizveidoja sarunu. Lejupielādējiet oriģinālu, lai to pārbaudītu, un tad apstrādājiet vēlreiz: atkārtotai apstrādei netiek piemērots ierobežojums katram sūtītājam, bet visas pārējās pārbaudes notiek no jauna.
quarantine-tab-quarantined = Karantīnā
quarantine-tab-ignored = Ignorēts
quarantine-none = Šeit nav pasta.
quarantine-col-received = Saņemts
quarantine-col-from = Sūtītājs
quarantine-col-subject = Temats
quarantine-col-reason = Iemesls
quarantine-col-size = Izmērs
quarantine-col-state = Oriģināls un atkārtota apstrāde
quarantine-no-subject = (bez temata)
quarantine-no-sender = (bez sūtītāja)
quarantine-download = Lejupielādēt oriģinālu
quarantine-download-name = Lejupielādēt oriģinālu (ziņojums { $id })
quarantine-retry = Apstrādāt vēlreiz
quarantine-retry-name = Apstrādāt vēlreiz ziņojumu { $id }
quarantine-retried-at = Atkārtoti apstrādāts { $when }
quarantine-in-conversation = Sarunā #{ $id }
quarantine-retried-created = Apstrādāts vēlreiz: ziņojums sāka sarunu #{ $id }.
quarantine-retried-appended = Apstrādāts vēlreiz: ziņojums pievienots sarunai #{ $id }.
quarantine-retried-duplicate = Apstrādāts vēlreiz: ziņojums jau bija sarunā #{ $id }.
quarantine-retried-held = Apstrādāts vēlreiz: ziņojums joprojām ir karantīnā. Iemesls: { $value }
quarantine-retried-ignored = Apstrādāts vēlreiz: ziņojums tika ignorēts. Iemesls: { $value }
quarantine-already-retried = Šis ziņojums jau ir sarunā #{ $id }, tāpēc to nevar apstrādāt vēlreiz.
# Reason codes of ignored mail (the mail log stores the code).
mail-reason-delivery_report = Piegādes ziņojums (atgriezta vēstule)
mail-reason-feedback_report = Atsauksmes vai ļaunprātīgas izmantošanas ziņojums
mail-reason-dmarc_aggregate_report = DMARC apkopojuma ziņojums
mail-reason-dmarc_failure_report = DMARC kļūmes ziņojums
mail-reason-list_notice = Adresātu saraksta paziņojums
mail-reason-cloud_notification = Pasta pakalpojuma paziņojums (JSON)
mail-reason-read_receipt = Izlasīšanas apstiprinājums
mail-reason-auto_reply = Automātiska atbilde
mail-reason-auto_generated = Automātiski izveidots e-pasts
mail-reason-bulk_mail = Masveida vai saraksta e-pasts
mail-reason-own_address_loop = Nosūtīts no mūsu adreses (cilpas aizsardzība)
mail-reason-matched = { $value }, par mūsu nosūtītu ziņu
mail-reason-too-large = Ziņojuma izmērs ir { $size }, kas pārsniedz ierobežojumu { $limit }.
mail-reason-not-fetched = Ziņojuma izmērs ir { $size }, kas pārsniedz ierobežojumu { $limit }; tas netika ielādēts un paliek IMAP pastkastē.
mail-reason-not-fetched-over = Ziņojums pārsniedz ierobežojumu { $limit }; tas netika ielādēts un paliek IMAP pastkastē.
mail-reason-unreadable = Ziņojumu nevarēja nolasīt.
mail-reason-no-from = Ziņojumam nav derīgas sūtītāja adreses.
mail-reason-sender-limit = { $sender } 10 minūtēs nosūtīja vairāk nekā { $count } ziņojumus (cilpu aizsardzība).
mail-reason-other = Aizturēts iemesla dēļ, ko šī Tend versija nenosauc.
quarantine-col-select = Atlasīt
quarantine-select-name = Atlasīt ziņojumu { $id }
quarantine-bulk-label = Ar atlasītajiem ziņojumiem:
quarantine-bulk-retry = Apstrādāt atlasītos vēlreiz
quarantine-bulk-delete = Dzēst atlasītos
quarantine-delete = Dzēst
quarantine-delete-name = Dzēst ziņojumu { $id }
quarantine-delete-title = Dzēst aizturēto pastu
quarantine-delete-text = { $count ->
    [one] Dzēst šo ziņojumu un tā oriģinālu? To nevar atsaukt.
   *[other] Dzēst šos ziņojumus ({ $count }) un to oriģinālus? To nevar atsaukt.
}
quarantine-delete-yes = Dzēst neatgriezeniski
quarantine-delete-keep = Paturēt
quarantine-deleted = { $count ->
    [zero] Izdzēsti { $count } ziņojumi.
    [one] Izdzēsts { $count } ziņojums.
   *[other] Izdzēsti { $count } ziņojumi.
}
quarantine-bulk-retried = { $count ->
    [zero] Vēlreiz apstrādāti { $count } ziņojumi.
    [one] Vēlreiz apstrādāts { $count } ziņojums.
   *[other] Vēlreiz apstrādāti { $count } ziņojumi.
}
quarantine-none-selected = Vispirms atlasiet vismaz vienu ziņojumu.
quarantine-cannot-retry = Ziņojumu { $id } nevar apstrādāt vēlreiz: tā oriģināla vai iesūtnes vairs nav.

## Admin: failed background jobs
admin-jobs = Neizdevušies darbi
admin-jobs-about = Vienumi, ko fona darbi nevarēja izpildīt: apskatiet kļūdu un mēģiniet vēlreiz.
jobs-intro = Vienumi, ko fona darbs nevarēja izpildīt. Neizdevušos vienumu mēģina vēlreiz pēc 30 sekundēm, tad pēc 1, 2 un 4 minūtēm; pēc piecām neveiksmēm tas tiek apturēts, līdz jūs to mēģināt vēlreiz. Pa to laiku darbs turpina ar pārējiem vienumiem.
jobs-none = Nekas nav neizdevies: visi fona darbi ir kārtībā.
jobs-col-job = Darbs
jobs-col-item = Vienums
jobs-col-attempts = Mēģinājumi
jobs-col-error = Pēdējā kļūda
jobs-col-failed-at = Pēdējā neveiksme
jobs-col-state = Stāvoklis
jobs-state-retry-at = Nākamais mēģinājums { $when }
jobs-state-parked = Apturēts
jobs-first-failed = Pirmā neveiksme { $when }
jobs-retry = Mēģināt vēlreiz
jobs-retry-name = Mēģināt vēlreiz vienumu { $id } ({ $value })
jobs-retried = Vienums { $id } ({ $value }) atkal gaida apstrādi: darbs to paņems nākamajā piegājienā.
jobs-retry-gone = Vienuma { $id } ({ $value }) vairs nav starp neizdevušajiem; iespējams, tas pa to laiku izdevās.
# The background jobs (`jobs::Job`).
job-survey = Apmierinātības aptaujas
job-quiet-close = Slēgšana pēc klusuma perioda
job-sla-timer = Apkalpošanas līmeņa taimeris
job-outbox = Izejošais pasts
job-automation-timer = Automatizācijas laika kārtulas
job-automation-reply = Kārtulu automātiskās atbildes
job-channel-outbox = Ziņas uz kanālu API URL


## Webhooks (admin)
admin-webhooks = Tīmekļa āķi
admin-webhooks-about = Ziņojiet citām sistēmām par sarunu notikumiem: abonementi, piegāžu žurnāls, atkārtota piegāde.
webhooks-intro = Tend nosūta (POST) katru izvēlēto veidu notikumu uz URL, parakstītu ar noslēpumu (Tend-Signature); vienas sarunas notikumi pienāk secībā. Piegādi, uz kuru 10 sekundēs neatbild ar 2xx, mēģina vēlreiz pēc 30 sekundēm, tad pēc 1, 2, 4 minūtēm un tā tālāk, ne retāk kā reizi stundā, līdz tā izdodas.
webhooks-none = Tīmekļa āķu vēl nav.
webhooks-field-url = URL
webhooks-field-events = Notikumi
webhooks-field-secret = Noslēpums (16 līdz 200 rakstzīmes)
webhooks-create = Pievienot tīmekļa āķi
webhooks-create-help = Noslēpums paraksta katru piegādi; to glabā šifrētu un vairs nekad nerāda.
webhooks-delete = Noņemt
webhooks-delete-name = Noņemt tīmekļa āķi uz { $url }
webhooks-back = Visi tīmekļa āķi
webhooks-deliveries-title = Piegādes uz { $url }
webhooks-deliveries-none = Vēl nav ko piegādāt: piegādā tikai notikumus pēc āķa pievienošanas.
webhooks-col-delivery = Piegāde
webhooks-col-event = Notikums
webhooks-col-conversation = Saruna
webhooks-col-state = Stāvoklis
webhooks-col-attempts = Mēģinājumi
webhooks-col-code = Atbilde
webhooks-col-error = Pēdējā kļūda
webhooks-col-when = Kad
webhooks-delivered-at = Piegādāts { $when }
webhooks-next-at = Nākamais mēģinājums { $when }
webhooks-redeliver = Piegādāt vēlreiz
webhooks-redeliver-name = Piegādāt vēlreiz piegādi { $id }
webhooks-redelivered = Piegāde { $id } atkal ir rindā.
webhooks-older = Vecākas piegādes
webhook-state-pending = Gaida
webhook-state-failing = Neizdodas
webhook-state-delivered = Piegādāts

## Reports overview (/reports)
report-dashboard-title = Atskaites
report-dashboard-intro = Rādītāji, kas izmērīti no katras sarunas notikumiem. Blakus katram grafikam ir tā skaitļu tabula, un tā CSV failā ir tie paši skaitļi.
report-csat-link = Apmierinātības aptaujas sīkāk
report-dashboard-link = Atskaišu pārskats
report-period = Periods
report-last-days = { $count ->
    [one] Pēdējā { $count } diena
   *[other] Pēdējās { $count } dienas
}
report-custom-period = Norādītie datumi
report-bucket = Rindas pa
report-bucket-day = Dienām
report-bucket-week = Nedēļām
report-breakdown-by = Sadalījums
report-breakdown-metric = Sadalījuma rādītājs
report-business-hours = Tikai darba laiks
report-dates-help = Lai izmantotu laukus “No” un “Līdz” (abi datumi iekļauti), periodā izvēlieties “Norādītie datumi”.
report-time-zone = Dienas un stundas ir jūsu laika joslā, { $tz }.
report-both-dates = Norādiet abus datumus vai izvēlieties periodu.
report-summary = Kopsavilkums
report-this-period = Šis periods: { $from } – { $to }.
report-previous-period = Salīdzinājumā ar tikpat dienām pirms tā: { $from } – { $to }.
report-col-metric = Rādītājs
report-col-now = Šis periods
report-col-before = Iepriekšējais periods
report-col-change = Izmaiņas
report-col-count = Mērījumi
report-col-value = Vērtība
report-col-median = Mediāna
report-col-p90 = 90. procentile
report-col-weekday = Nedēļas diena
report-csv = Lejupielādēt CSV
report-trends = Tendences
report-per-day = { $metric } pa dienām
report-per-week = { $metric } pa nedēļām
report-breakdown = Sadalījums
report-breakdown-caption = { $metric }: sadalījums pēc { $name }
report-dimension-agent = aģenta
report-dimension-team = komandas
report-dimension-inbox = iesūtnes
report-dimension-channel = kanāla
report-dimension-language = valodas
report-dimension-tag = birkas
report-by-language = Pa valodām
report-by-tag = Pa birkām
report-no-language = Bez valodas
report-no-tag = Bez birkas
report-heatmap = Jaunas sarunas pa nedēļas dienām un stundām
report-heatmap-intro = Jaunās sarunas katrā nedēļas stundā šajā periodā, jūsu laika joslā.
report-no-data = Šajā periodā nekas netika izmērīts.
report-seconds = { $count } sek.
report-change-percent = { $value } %
report-change-points = { $value } proc. punkti
report-metric-first-response-time = Pirmās atbildes laiks
report-metric-next-response-time = Nākamās atbildes laiks
report-metric-resolution-time = Atrisināšanas laiks
report-metric-confirmation-time = Laiks līdz klienta apstiprinājumam
report-metric-sla-attainment = Izpildītie apkalpošanas līmeņi
report-metric-csat = CSAT
report-metric-response-rate = Aptauju atbilžu īpatsvars
report-metric-volume = Sarunas
report-metric-reopens = Atkārtoti atvērtas
report-metric-transfers = Nodotas citam

# The channel API
inbox-outbound-url = Atbildes tiek nosūtītas uz
inbox-outbound-help = Tend sūta dienesta atbildes uz šejieni, parakstītas ar noslēpumu. Atstājiet tukšu, lai nesūtītu nekur.
inbox-secret = Paraksta noslēpums
inbox-secret-set = Noslēpums ir iestatīts. Atstājiet lauku tukšu, lai to paturētu, vai ievadiet jaunu (vismaz 16 rakstzīmes).
inbox-secret-none = Noslēpuma vēl nav: ienākošās ziņas tiek noraidītas, līdz tas ir iestatīts (vismaz 16 rakstzīmes).
inbox-secret-off = Noņemt noslēpumu
inbox-bot-token = Robota marķieris
inbox-bot-token-set = Marķieris ir iestatīts. Atstājiet lauku tukšu, lai to paturētu, vai ielīmējiet jaunu no @BotFather.
inbox-bot-token-none = Marķiera vēl nav: ielīmējiet to, ko @BotFather iedeva robotam.
inbox-api-base = Bot API serveris
inbox-mode = Kā pienāk jaunumi
inbox-mode-polling = Ilgā aptauja (nekam nav jāsasniedz Tend)
inbox-mode-webhook = Tīmekļa āķis (Telegram sūta uz Tend)
inbox-webhook-auto = Tīmekļa āķa režīmā Tend, saglabājot, liek Telegram sūtīt uz { $url }.
inbox-webhook-manual = Tīmekļa āķa režīmā izsauciet Telegram setWebhook ar Tend publisko adresi, kam seko { $url }, vai iestatiet public_url, lai to izdarītu Tend.
inbox-webhook-secret = Tīmekļa āķa slepenais marķieris
inbox-webhook-secret-set = Slepenais marķieris ir iestatīts. Atstājiet lauku tukšu, lai to paturētu.
inbox-webhook-secret-none = Slepenā marķiera vēl nav: tīmekļa āķa izsaukumi tiek noraidīti, līdz tas ir iestatīts (burti, cipari, _ un -).
inbox-failing = Izejošais URL kopš { $when } noraida Tend akreditācijas datus: { $value }. Kad saņēmējs ir salabots, iestatiet jaunu noslēpumu vai URL.
inbox-failing-telegram = Bot API kopš { $when } noraida šo robotu: { $value }. Izlabojiet to (jauns marķieris no @BotFather vai adrese) un saglabājiet.
inbox-telegram-polling = Robota atjauninājumus lasa ar ilgo aptauju no { $url }.
inbox-telegram-webhook = Telegram sūta robota atjauninājumus uz šīs iesūtnes tīmekļa āķi (Bot API: { $url }).
inbox-telegram-no-token = Robota marķiera vēl nav: iestatiet to zemāk.
inbox-failing-whatsapp = Graph API kopš { $when } noraida WhatsApp piekļuves marķieri: { $value }. Iestatiet jaunu marķieri no Meta Business Manager.
inbox-whatsapp-number = Sūta kā WhatsApp numurs { $id } caur { $url }.
inbox-whatsapp-unset = Vēl nav tālruņa numura ID vai piekļuves marķiera: administrators tos iestata caur API (whatsapp.phone_number_id, whatsapp.access_token).

# Event kinds by name (the webhooks page)
event-kind-created = Saruna izveidota
event-kind-message-added = Ziņa pievienota
event-kind-note-added = Iekšēja piezīme pievienota
event-kind-assigned = Mainīts atbildīgais
event-kind-transferred = Nodota citam
event-kind-queued = Ievietota rindā
event-kind-status-changed = Mainīts statuss
event-kind-priority-changed = Mainīta prioritāte
event-kind-tags-changed = Mainītas birkas
event-kind-team-changed = Mainīta komanda
event-kind-inbox-changed = Mainīta iesūtne
event-kind-customer-changed = Mainīts klients
event-kind-language-changed = Mainīta valoda
event-kind-join-refused = Atbilde atteikta (slēgta saruna)
event-kind-delivery-failed = Piegāde neizdevās
event-kind-mail-held = Vēstule aizturēta
event-kind-survey-sent = Aptauja nosūtīta
event-kind-survey-skipped = Aptauja nav nosūtīta
event-kind-survey-answered = Atbildēts uz aptauju
event-kind-follow-up-created = Izveidots turpinājums
event-kind-follow-up-done = Turpinājums paveikts
event-kind-sla-applied = Piemērots servisa līmenis
event-kind-sla-warning = Servisa līmeņa brīdinājums
event-kind-sla-breached = Servisa līmenis pārkāpts
event-kind-sla-fulfilled = Servisa līmenis izpildīts
event-kind-automation-fired = Izpildīts automatizācijas noteikums
event-kind-automation-stopped = Apturēts automatizācijas noteikums
event-kind-remedy-recorded = Reģistrēta kompensācija
event-kind-remedy-decided = Lemts par kompensāciju
event-kind-problem-linked = Piesaistīta problēmai
event-kind-problem-unlinked = Atsaistīta no problēmas
event-kind-snoozed = Atlikta
event-kind-unsnoozed = Atlikšana beigusies
event-kind-merged-into = Apvienota ar citu sarunu
event-kind-merged-from = Pievienota cita saruna
event-kind-split-to = Ziņa atdalīta
event-kind-split-from = Atdalīta no citas sarunas
event-kind-linked = Piesaistīta saistīta saruna
event-kind-unlinked = Atsaistīta saistītā saruna
event-kind-side-conversation-started = Sākta blakus saruna
event-kind-side-message-sent = Nosūtīta blakus sarunas ziņa
event-kind-side-reply-received = Saņemta atbilde blakus sarunā
event-kind-reply-undone = Atbilde atsaukta (sūtīšanas atsaukšana)
event-kind-call-answered = Zvans atbildēts
event-kind-call-missed = Neatbildēts zvans
event-kind-call-ended = Zvans beidzies
