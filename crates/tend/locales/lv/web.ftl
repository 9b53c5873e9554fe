# Tend aģenta darba vieta — latviešu valodā. Jābūt visām en/web.ftl atslēgām.

## Ietvars un navigācija
skip-to-content = Pāriet uz saturu
nav-label = Galvenā izvēlne
nav-menu = Izvēlne
message-actions = Ziņojuma darbības
nav-inbox = Iesūtne
nav-customers = Klienti
nav-admin = Administrēšana
nav-inboxes = Iesūtnes
nav-teams = Komandas
search-label = Meklēt sarunās
search-placeholder = Meklēt (nospiediet /)
sign-out = Iziet
back-home = Atpakaļ uz iesūtni
close = Aizvērt
save = Saglabāt
apply = Piemērot

## Tastatūras palīdzība
help-title = Īsinājumtaustiņi
key-move = Nākamā / iepriekšējā saruna
key-open = Atvērt sarunu
key-reply = Atbildēt
key-note = Iekšēja piezīme
key-assign = Piešķirt
key-status = Mainīt statusu
key-search = Meklēt
key-macros = Makro (tukšā atbildē)
key-help = Šī palīdzība

## Pieteikšanās, iestatīšana, konts
sign-in-title = Pieteikties Tend
sign-in = Pieteikties
sign-in-failed = Šī e-pasta adrese un parole neatbilst nevienam aktīvam kontam.
sign-in-rate-limited = Pārāk daudz neveiksmīgu mēģinājumu. Uzgaidiet 15 minūtes un mēģiniet vēlreiz.
field-email = E-pasts
field-password = Parole
field-name = Vārds
field-new-password = Jaunā parole (vismaz 8 rakstzīmes)
field-repeat-password = Atkārtojiet jauno paroli
field-current-password = Pašreizējā parole
field-language = Valoda
field-timezone = Laika josla
field-organization = Organizācija
field-local-time = Vietējais laiks
field-first-seen = Pirmoreiz sazinājās
field-contacts = Saziņas reizes
field-team = Komanda
field-tags = Birkas
setup-title = Izveidojiet pirmo administratoru
setup-intro = Šī vienreizējā lapa iestata Tend. Šeit izveidotais konts varēs uzaicināt visus pārējos.
setup-submit = Izveidot administratoru
invite-title = Izvēlieties paroli
invite-intro = Laipni lūdzam, { $name }! Izvēlieties paroli, lai sāktu darbu Tend.
invite-submit = Saglabāt un pieteikties
link-gone-title = Šī saite vairs nedarbojas
link-gone = Tā jau ir izmantota vai tai beidzies derīguma termiņš. Palūdziet administratoram jaunu saiti.
password-mismatch = Abas paroles nesakrīt.
password-current-wrong = Pašreizējā parole nav pareiza.
password-changed = Parole nomainīta. Jūsu pārējās sesijas tika izbeigtas.
account-title = Jūsu konts
account-preferences = Iestatījumi
account-password = Parole
account-change-password = Mainīt paroli
language-browser = Kā pārlūkprogrammā
timezone-help = IANA laika josla, piemēram, Asia/Tokyo vai Europe/Riga. Datumi tiek rādīti šajā laika joslā.
timezone-unknown = “{ $tz }” nav Tend zināma laika josla.

## Iesūtne
views-label = Skati
view-mine = Manas
view-unassigned = Nepiešķirtās
view-open = Visas atvērtās
view-breaching-soon = Drīz nokavēs
view-pending = Gaida
view-solved = Atrisinātās
filter-status = Statuss
filter-priority = Prioritāte
filter-channel = Kanāls
filter-tag = Birka
filter-language = Valoda
filter-any = Jebkura
filter-apply = Atlasīt
bulk-label = Mainīt atlasītās sarunas
bulk-assign = Piešķirt
bulk-status = Iestatīt statusu
bulk-tag = Pievienot birku
bulk-partial = { $count ->
    [zero] Mainītas { $count } sarunas; pārējās nevarēja mainīt:
    [one] Mainīta { $count } saruna; pārējās nevarēja mainīt:
   *[other] Mainītas { $count } sarunas; pārējās nevarēja mainīt:
}
assign-me = Man
assign-nobody = Nevienam
select-all = Atlasīt visas
select-conversation = Atlasīt sarunu #{ $id }
col-customer = Klients
col-subject = Temats
col-status = Statuss
col-priority = Prioritāte
col-assignee = Atbildīgais
col-waiting = Gaida
col-due = Termiņš
inbox-empty = Šeit nekā nav. Labs darbs!
new-activity = Jaunas darbības — atsvaidzināt
pager-label = Lapas
pager-prev = Iepriekšējā
pager-next = Nākamā
conversations-count = { $count ->
    [zero] { $count } sarunu
    [one] { $count } saruna
   *[other] { $count } sarunas
}
duration-minutes = { $count } min
duration-hours-minutes = { $hours } st. { $minutes } min
duration-days-hours = { $days } d. { $hours } st.

## Statusi, prioritātes, kanāli
status-new = Jauna
status-open = Atvērta
status-pending = Gaida
status-solved = Atrisināta
status-closed = Slēgta
priority-low = Zema
priority-normal = Parasta
priority-high = Augsta
priority-urgent = Steidzama
channel-email = E-pasts
channel-chat = Tērzēšana
channel-web = Tīmekļa veidlapa
channel-api = API
channel-telegram = Telegram
channel-whatsapp = WhatsApp
channel-phone = Tālrunis
channel-portal = Portāls

## Saruna
author-system = Tend
internal-note = Iekšēja piezīme
message-from = Ziņa no { $name }
show-images = Rādīt attēlus
show-quoted = Rādīt citēto tekstu
download-original = Lejupielādēt sākotnējo e-pastu (.eml)
cc = Kopija
delivery-queued = Rindā
delivery-sent = Nosūtīta
delivery-delivered = Piegādāta
delivery-read = Izlasīta
delivery-failed = Nav piegādāta
delivery-held = Aizturēta (automātisko vēstuļu limits)
controls = Informācija
transfer-reason = Nodošanas iemesls
transfer-category = Iemesls
transfer-words = Jūsu vārdiem
transfer-help = Lai nodotu sarunu citam atbildīgajam, jānorāda iemesls.
transfer-needs-reason = Lai nodotu sarunu citam atbildīgajam, jānorāda iemesls: izvēlieties to un paskaidrojiet saviem vārdiem.
reason-skill = Vajadzīgas citas zināšanas
reason-language = Valoda
reason-workload = Noslodze
reason-escalation = Eskalācija
reason-shift = Maiņas beigas
reason-other = Cits
tags-help = Atdaliet birkas ar komatiem.
previous-conversations = Iepriekšējās sarunas
composer-kind = Ziņas veids
compose-reply = Atbildēt klientam
compose-note = Iekšēja piezīme
compose-text = Ziņa
compose-attach = Pievienot failus
send = Sūtīt
send-anyway = Tomēr sūtīt
new-customer-message = Kamēr rakstījāt, klients uzrakstīja vēlreiz. Pirms sūtīšanas izlasiet jauno ziņu.
viewer-viewing = { $name } skatās
viewer-replying = { $name } raksta atbildi
event-created = izveidoja šo sarunu ({ $channel })
event-assigned = piešķīra to: { $to }
event-transferred = nodeva to no { $from } uz { $to }
event-status = iestatīja statusu: { $to }
event-priority = iestatīja prioritāti: { $to }
event-tags = iestatīja birkas: { $tags }
event-team = mainīja komandu uz { $to }
event-customer = pārcēla to pie cita klienta
event-language = iestatīja valodu: { $to }
event-mail-held = aizturēja automātisku vēstuli ({ $value }): iesūtne sasniedza stundas limitu
mail-kind-reply = atbilde
mail-kind-ack = apstiprinājums
mail-kind-survey = aptauja
mail-kind-transcript = tērzēšanas atšifrējums
mail-kind-portal-link = portāla pieteikšanās saite
mail-kind-digest = iknedēļas radara kopsavilkums
auth-title = Sūtītāja autentifikācija, pārbaudīta e-pasta saņemšanas brīdī
auth-pass = izturēta
auth-fail = neizturēta
auth-softfail = vāji neizturēta
auth-neutral = neitrāla
auth-none = nav
auth-temperror = pagaidu kļūda
auth-permerror = pastāvīga kļūda
auth-unavailable = nav pārbaudīta
auth-forged = Šis e-pasts neizturēja DMARC pārbaudi: tā sūtītāja adrese var būt viltota. Tas netika pievienots esošai sarunai.
event-join-refused = nepievienoja šo e-pastu sarunai #{ $id } un atvēra tam šo sarunu
event-join-refused-elsewhere = nepievienoja šo e-pastu citai sarunai un atvēra tam šo sarunu
event-queued = ievietoja to komandas rindā: neviens nebija pieejams
event-delivery-failed = nevarēja piegādāt atbildi
event-survey-sent-email = nosūtīja apmierinātības aptauju pa e-pastu
event-survey-sent-message = nosūtīja apmierinātības aptauju kā ziņojumu kanālā
event-survey-sent-chat = jautāja par apmierinātību tērzēšanā
event-survey-skipped = nenosūtīja apmierinātības aptauju: { $value }
survey-skip-no-channel = šis kanāls nevar nodot aptauju
survey-skip-no-address = nav adreses, uz kuru rakstīt
survey-skip-auto-address = adrese ir automātiska
survey-skip-period-limit = klientam nesen jau jautāja
survey-skip-no-sender = iesūtnei nav adreses, no kuras sūtīt
survey-skip-window-closed = kanāla atbildes logs bija aizvēries, un iesūtnei nav aptaujas veidnes
event-survey-answered = atbildēja uz aptauju: { $value }
survey-answer-yes = atrisināts
survey-answer-no = vēl vajag palīdzību
event-follow-up-created = atvēra papildu uzdevumu lietotājam { $to }
event-follow-up-done = pabeidza papildu uzdevumu
event-inbox-changed = pārvietoja uz iesūtni { $to }
sla-metric-first-response = pirmā atbilde
sla-metric-next-response = nākamā atbilde
sla-metric-resolution = atrisināšana
event-sla-applied = noteica mērķi: { $metric }
event-sla-warning = brīdināja: tuvojas termiņš ({ $metric })
event-sla-breached = nokavēja termiņu: { $metric }
event-sla-fulfilled = izpildīja mērķi: { $metric }
event-automation-fired = izpildīja darbības (automatizācijas kārtula)
event-automation-stopped = kārtulas apturētas cilpā: { $value }
event-remedy = kompensācija: { $value }
remedy-state-granted = piešķirta
remedy-state-awaiting-approval = gaida apstiprinājumu
remedy-state-approved = apstiprināta
remedy-state-declined = noraidīta
show-earlier = Rādīt agrākās ziņas
join-reason-not-participant = sūtītājs nav ne tās sarunas klients, ne kopijas (CC) saņēmējs
join-reason-dmarc-fail = e-pasts neizturēja DMARC pārbaudi sava sūtītāja domēnam, tāpēc sūtītājs nav apliecināts
join-reason-not-in-inbox = tā tēmā minētais sarunas numurs nav šajā iesūtnē

## Kļūdas
error-not-found-title = Nav atrasts
error-not-found = Šeit nekā nav, vai jums to nav atļauts redzēt.
error-forbidden-title = Nav atļauts
error-forbidden = Jūsu loma to neatļauj.
error-csrf = Šī veidlapa nāca no citurienes vai ir novecojusi. Pārlādējiet lapu un mēģiniet vēlreiz.
error-invalid-title = Neizdevās
error-rate-limited-title = Lēnāk, lūdzu
error-rate-limited = Pārāk daudz pieprasījumu. Brīdi uzgaidiet un mēģiniet vēlreiz.
error-too-large-title = Pārāk liels
error-too-large = Nosūtītais ir lielāks, nekā šī lapa pieņem. Saīsiniet to vai sūtiet failus kā atbildes pielikumus.
error-internal-title = Kaut kas nogāja greizi
error-internal = Tend nevarēja to pabeigt. Sīkāka informācija ir servera žurnālā.

## Pieejamība sarunu sadalei (galvene), veiksmes stāsti, aģentu profili
nav-stories = Stāsti
nav-reports = Atskaites
presence-label = Jūsu pieejamība jaunām sarunām
presence-set = Iestatīt
presence-online = Tiešsaistē
presence-away = Prom
presence-offline = Bezsaistē
presence-now = Pieejamība: { $to }
stories-title = Veiksmes stāsti
stories-intro = Ko klienti teica, apstiprinot, ka viņu problēma ir atrisināta: vērtējumi ar 4 vai 5 zvaigznēm un komentāru, pieskaitīti aģentiem, kuri atbildēja.
stories-none = Stāstu vēl nav.
stories-older = Vecāki stāsti
stories-newest = Jaunākie stāsti
story-rating = Vērtējums: { $count } no 5
story-credited = Nopelns:
story-customer-unnamed = Klients
agent-kind-words = Labi vārdi
people-achieved = Pēdējās 30 dienas līdzās komandām
people-team-achieved = Ko komanda paveica
people-figure = Rādītājs
people-solved = Atrisinātās sarunas
people-this-agent = Šis aģents
people-whole-desk = Viss dienests
people-last-days = { $count ->
    [zero] Pēdējās { $count } dienas
    [one] Pēdējā { $count } diena
   *[other] Pēdējās { $count } dienas
}
people-days-before = { $count ->
    [zero] { $count } dienas pirms tam
    [one] { $count } diena pirms tam
   *[other] { $count } dienas pirms tam
}
people-change = Izmaiņas
people-members = Dalībnieki
agent-own-settings = Mainīt savus iestatījumus
account-profile = Jūsu profils un labie vārdi

# Service levels
span-under-a-minute = mazāk par minūti
span-minutes = { $count ->
    [zero] { $count } minūšu
    [one] { $count } minūte
   *[other] { $count } minūtes
}
span-hours = { $count ->
    [zero] { $count } stundu
    [one] { $count } stunda
   *[other] { $count } stundas
}
span-days = { $count ->
    [zero] { $count } dienu
    [one] { $count } diena
   *[other] { $count } dienas
}
sla-due-in = { $metric }: līdz termiņam { $when }
sla-overdue = { $metric }: kavējums { $when }
sla-due-at = { $metric }: termiņš { $when }
sla-paused = Apturēts
sla-breached-paused = { $metric }: nokavēts, apturēts
sla-alert-warning = #{ $id } { $subject }: tuvojas termiņš ({ $metric })
sla-alert-breached = #{ $id } { $subject }: termiņš nokavēts ({ $metric })
sla-alert-close = Aizvērt
sla-panel-title = Apkalpošanas līmeņi
sla-policy = Politika
sla-why = Attiecas, jo
sla-counts = Skaita
sla-counts-business = { $name } darba laiku ({ $tz })
sla-counts-wall = katru minūti, dienu un nakti
sla-why-inbox = iesūtne { $name }
sla-why-channel = kanāls { $name }
sla-why-priority = prioritāte { $name }
sla-why-tags = birka { $name }
sla-why-all = attiecas uz visām sarunām
sla-no-policy = pašlaik neviena neattiecas
sla-state-running = rit
sla-state-paused = apturēts
sla-state-fulfilled = izpildīts
sla-state-cancelled = pārtraukts
sla-state-breached = nokavēts
sla-target = Mērķis
sla-due = Termiņš
sla-used = Izlietots
sla-paused-period = Apturēts
nav-monitor = Neatbildētie
monitor-title = Neatbildētie klienti
monitor-intro = Klienti, kas bez publiskas atbildes gaida ilgāk par { $when }, pa kanāliem un iesūtnēm.
monitor-none = Visiem klientiem ir atbilde, vai viņi gaida mazāk par slieksni.
monitor-col-inbox = Iesūtne
monitor-col-count = Gaida
monitor-col-longest = Ilgākā gaidīšana
monitor-col-online = Kas var atbildēt
monitor-online = { $count ->
    [zero] { $count } aģentu tiešsaistē
    [one] { $count } aģents tiešsaistē
   *[other] { $count } aģenti tiešsaistē
}
monitor-nobody-online = Neviens nav tiešsaistē

# Macros: the page and the composer's picker
nav-macros = Makro
macros-title = Makro
macros-about = Bieži dotas atbildes ar izmaiņām, kas tām pieder. Lietojiet tās no atbildes lauka: ierakstiet / tukšā atbildē vai spiediet pogu “Makro”.
macros-none = Makro vēl nav.
macros-back = ← Visi makro
macro-new = Jauns makro
macro-name = Nosaukums
macro-scope = Kas to lieto
macro-text = Teksts
macro-actions = Izmaiņas
macro-used = Lietots
macro-edit = Labot
macro-remove = Dzēst
macro-remove-named = Dzēst { $name }
macro-team = Komanda
macro-team-help = Komandas makro: to lieto komandas dalībnieki.
macro-text-help = Vietturus aizpilda katrai sarunai, piemēram,
macro-variables = Vietturi un filtri
macro-filters = Filtri
macro-translations = Tulkojumi
macro-translations-help = Klienta valoda izvēlas tulkojumu; ja neviens neder, lieto augšējo tekstu.
macro-other-language = Cita valoda (birka)
macro-no-change = Bez izmaiņām
macro-add-tags = Pievienot birkas
macro-remove-tags = Noņemt birkas
macro-assign-team = Nodot komandai
macro-assign-agent = Nodot aģentam
macro-scope-personal = Tikai es
macro-scope-team = Mana komanda
macro-scope-global = Visi
macro-change-status = Statuss: { $value }
macro-change-priority = Prioritāte: { $value }
macro-change-add-tags = Pievienot birkas: { $value }
macro-change-remove-tags = Noņemt birkas: { $value }
macro-change-team = Komanda: { $value }
macro-change-agent = Atbildīgais: { $value }
macro-picker-open = Makro (/)
macro-picker-none = Neviens makro neatbilst.
macro-picker-applied = Makro lietots; labojiet tekstu un nosūtiet.
macro-picker-no-changes = Saruna netiek mainīta.
macro-picker-search = Meklēt makro
macro-picker-help = Rakstiet, lai atlasītu, ↑ ↓ izvēlei, Enter priekšskatījumam, Esc aizvēršanai.
macro-picker-preview = Priekšskatījums šai sarunai:
macro-picker-insert = Ievietot un lietot
macro-picker-cancel = Atcelt
# Zināšanu bāze darbā: rakstu meklēšana atbildes laukā, melnraksti, pārskati.
nav-kb = Palīdzības raksti
kb-picker-open = Raksti
kb-picker-search = Meklēt palīdzības rakstus
kb-picker-help = Publicētie raksti klienta valodā; atbilde netiek nosūtīta.
kb-picker-none = Neviens raksts neatbilst.
kb-picker-other-language = vēl nav tulkots
kb-picker-insert-link = Ievietot saiti
kb-picker-insert-text = Ievietot tekstu
kb-draft-action = Pārvērst par raksta melnrakstu
kb-draft-help = Jautājums un jūsu atbilde kļūst par melnrakstu klienta valodā; to publicē vadītājs.
kb-draft-made = No šīs sarunas izveidots raksta melnraksts #{ $id }.
kb-draft-no-answer = Šajā sarunā vēl nav aģenta publiskas atbildes uz klienta jautājumu.
kb-unhelpful-title = Nenoderīgi raksti
kb-unhelpful-intro = Raksti, uz kuriem klienti jautājumam “Vai tas palīdzēja?” atbildēja “Nē”; vispirms tie, kam visvairāk “Nē”.
kb-unhelpful-none = Neviens klients vēl nav atzinis rakstu par nenoderīgu.
kb-col-article = Raksts
kb-col-unhelpful = Nē
kb-col-helpful = Jā
deflection-title = Atbildes pirms jautāšanas
deflection-intro = Raksti, kas tika ieteikti saziņas veidlapā un tērzēšanā, kamēr klienti rakstīja: cik bieži katrs tika parādīts, atvērts un vai klients tomēr nosūtīja ziņu.
deflection-by-article = Pa rakstiem
deflection-by-inbox = Pa iesūtnēm
deflection-col-shown = Parādīti
deflection-col-opened = Atvērti
deflection-col-sent = Tomēr nosūtīja
deflection-col-deflected = Atrisināti paši
deflection-col-rate = Pašatrisināšanas daļa
deflection-total = Visas iesūtnes
deflection-rule = Atrisināts pats: klients atvēra ieteikto rakstu un nenosūtīja ziņu. Pašatrisināšanas daļa: atrisinātie pret parādītajiem.

# Remedies within limits (issue 23)
nav-remedies = Kompensācijas
remedies-title = Kompensācijas
remedies-waiting = Gaida apstiprinājumu
remedies-none-waiting = Nekas negaida apstiprinājumu.
remedies-recent = Nesen izlemtās un piešķirtās
remedies-month = Šomēnes pa aģentiem: kas piešķirts un kā veicās
remedies-month-none = Šomēnes nekas nav piešķirts.
remedies-given = Piešķirts
remedies-count = Skaits
remedies-reopen-rate = Atkārtotas atvēršanas uz sarunu
remedy-new = Piešķirt kompensāciju
remedy-kind = Veids
remedy-amount = Summa
remedy-currency = Valūta
remedy-note = Ko klients saņem
remedy-help = Jūsu pilnvaru robežās tā tiek piešķirta uzreiz; virs tām lemj vadītājs.
remedy-record = Reģistrēt kompensāciju
remedy-approve = Apstiprināt
remedy-decline = Noraidīt
remedy-decision-note = Piezīme aģentam
remedy-by = Lūdza
remedy-decided-by = Izlēma
remedy-decided-already = Par šo kompensāciju jau ir izlemts.
remedy-error-amount = Norādiet summu kā skaitli, piemēram, 12.50.
remedy-error-currency = Norādiet valūtu ar trīs burtu kodu, piemēram, EUR.
remedy-error-note = Uzrakstiet, ko klients saņem.
remedy-error-kind = Izvēlieties kompensācijas veidu.
remedy-error-user = Kompensācijas reģistrē aģents.
remedy-due = jāizlemj līdz { $when }
remedy-overdue = nokavēts

## Customer health and the radar
nav-radar = Radars
radar-title = Klienti, kurus var zaudēt
radar-intro = Klienti ar zemu veselības novērtējumu, lielākais risks vispirms. Novērtējums sākas ar 100; katrs iemesls atņem savu svaru.
radar-none = Pašlaik neviens klients nav riska zonā.
radar-score = Veselības novērtējums (0–100)
radar-since = Riska zonā kopš { $when }
radar-organization = Organizācija
radar-inbox = Iesūtne
radar-language = Valoda
radar-any = Jebkura
radar-filter = Atlasīt
radar-more = Vairāk klientu
radar-outreach = Sazināties
radar-owner = Atbildīgais
radar-subject = Temats
radar-message = Ziņa
radar-template-hint = Vietturi, piemēram, { "{{ customer.first_name }}" } un { "{{ agent.name }}" }, tiek aizpildīti nosūtot.
radar-start = Sākt sarunu
radar-started = Saziņa sākta: atvērt sarunu
radar-pick-owner = Izvēlieties aģentu, kas būs atbildīgs par sarunu.
radar-outreach-summary = Saziņa pēdējās 90 dienās
radar-outreach-total = Sāktas
radar-outreach-default-subject = Kā jums klājas?
radar-outreach-default-text = Labdien, { "{{ customer.first_name }}" }!

    Pamanījām, ka jūsu pēdējie pieprasījumi neizdevās tā, kā vajadzēja, un vēlamies to labot. Vai varam jums kā palīdzēt?

    { "{{ agent.name }}" }
outcome-pending = Gaida atbildi
outcome-answered = Atbildēja
outcome-satisfied = Apmierināts
outcome-left = Aizgāja
signal-unhappy-answer = { $count ->
    [zero] { $count } neapmierinātu aptaujas atbilžu
    [one] { $count } neapmierināta aptaujas atbilde
   *[other] { $count } neapmierinātas aptaujas atbildes
}
signal-unanswered-surveys = Neatbildētas aptaujas: { $count }
signal-reopens = Atkārtoti atvērta: { $count }
signal-sla-breaches = Pārkāpti servisa līmeņi: { $count }
signal-long-waits = Gaidīšana ilgāk par dienu: { $count }
signal-repeat-contacts = Rakstīja vēlreiz par to pašu problēmu: { $count }
signal-went-quiet = Apklusa pēc problēmas ({ $count } dienas bez saziņas)
signal-negative-words = Ziņas ar neapmierinātības vārdiem: { $count }
signal-no-positive-contact = Nav pozitīvas saziņas { $count } dienas
health-title = Veselība
digest-subject = Radars: jauni riska klienti: { $count }
digest-intro = Labdien, { $name }! Šie klienti šonedēļ nonāca radarā (zemākā veselība vispirms):
digest-line = { $customer }: veselība { $score }. { $reasons }
digest-more = Radars: { $url }
remedy-kind-refund = Naudas atmaksa
remedy-kind-credit = Kredīts
remedy-kind-discount = Atlaide
remedy-kind-replacement = Aizstājējprece
remedy-kind-goodwill = Labas gribas žests

## Problems (issue 23)
nav-problems = Problēmas
problems-title = Problēmas
event-problem-linked = piesaistīta problēmai: { $value }
event-problem-unlinked = atsaistīta no problēmas: { $value }
problem-status-investigating = izmeklē
problem-status-known = zināma
problem-status-fixed = novērsta
problem-filter-all = Visas
problem-none = Problēmu vēl nav.
problem-new = Jauna problēma
problem-create = Izveidot problēmu
problem-edit = Labot
problem-title-field = Nosaukums
problem-description = Apraksts
problem-workaround = Apiešanas ceļš
problem-owner = Atbildīgais
problem-linked = Piesaistītās sarunas
problem-fixed-at = Novērsta
problem-fix = Atzīmēt kā novērstu
problem-fix-help = Katrs piesaistītais klients, kura saruna vēl ir atvērta, vienreiz saņem šo ziņu savā valodā (citādi pirmajā dotajā tekstā) savā kanālā; pēc tam saruna tiek atrisināta un seko aptauja.
problem-fix-text = Ziņa ({ $value })
problem-fix-sent = Ziņa, kas nosūtīta pēc novēršanas
problem-notified = informēts { $when }
problem-link = Piesaistīt
problem-unlink = Atsaistīt
problem-link-other = Piesaistīt problēmai
problem-panel = Problēma
problem-proposals = Iespējamās problēmas
problem-similar = Līdzīgas nesenas sarunas
problem-suggestion = Zināma problēma: { $value }
problem-suggestion-help = Ieteiktā atbilde (apiešanas ceļš); nekas netiek nosūtīts, ja vien jūs to nenosūtāt.
problem-trending = Tendences: līdzīgas jaunas sarunas pēdējās 24 stundās
problem-trending-none = Nekas neizceļas.
problem-trending-count = { $count ->
    [zero] { $count } sarunu
    [one] { $count } saruna
   *[other] { $count } sarunas
}
problem-credit = novērsa cēloni { $count ->
    [zero] { $count } sarunām
    [one] { $count } sarunai
   *[other] { $count } sarunām
}

## Merging, splitting and linking conversations (issue 25)
event-merged-into = apvienoja šo sarunu ar citu; tās ziņas tagad ir tur
event-merged-from = { $count ->
    [zero] apvienoja citu sarunu ar šo (pārvietotas { $count } ziņas)
    [one] apvienoja citu sarunu ar šo (pārvietota { $count } ziņa)
   *[other] apvienoja citu sarunu ar šo (pārvietotas { $count } ziņas)
}
event-split-to = atdalīja ziņu jaunā sarunā
event-split-from = atvēra šo sarunu ar ziņu, kas atdalīta no citas sarunas
event-linked = piesaistīja saistītu sarunu
event-unlinked = noņēma saiti uz saistītu sarunu
merge-title = Apvienošana
merge-into = Apvienot ar sarunu
merge-none = Šim klientam šajā pastkastē nav citu atvērtu sarunu
merge-help = Tās ziņas, piezīmes un faili tiek pārvietoti uz turieni; šī saruna tiek slēgta, un tās numurs ved uz turieni.
merge-submit = Apvienot ar izvēlēto sarunu
links-title = Saistītās sarunas
links-none = Vēl nav saistītu sarunu.
link-number = Piesaistīt sarunu (tās numurs)
link-add = Piesaistīt
link-remove = Noņemt saiti
split-submit = Atdalīt jaunā sarunā
split-refused = Atdalīt var tikai klienta ziņu vai atbildi, un ne sarunas vienīgo ziņu.
refusal-itself = Sarunu nevar apvienot vai sasaistīt ar sevi pašu.
refusal-unknown = Nav tādas sarunas, ko drīkstat redzēt; ievadiet tās numuru.
refusal-other-customer = Šī saruna pieder citam klientam; apvienot var tikai viena klienta sarunas (tā vietā sasaistiet tās).
refusal-other-inbox = Šī saruna ir citā pastkastē; vispirms pārvietojiet vienu no tām.
refusal-target-closed = Šī saruna ir slēgta; apvienojiet ar atvērtu sarunu.
refusal-target-merged = Šī saruna jau ir apvienota ar citu; apvienojiet ar to.

## Rakstīšanas lauks (issue 25, 7. punkts)
event-reply-undone = atsauca atbildi, pirms tā tika nosūtīta
event-call-answered-in = atbildēja uz zvanu no { $value }
event-call-answered-out = piezvanīja uz { $value }, un zvanam atbildēja
event-call-missed = zvanīja no { $value }, bet neviens neatbildēja; jāatzvana
event-call-ended = zvans beidzās pēc { $value }
composer-sent = Nosūtīts
composer-undo = Atsaukt
composer-undone = Nav nosūtīts: atbilde ir atpakaļ rakstīšanas laukā.
format-toolbar = Formatējums
format-bold = Treknraksts
format-italic = Slīpraksts
format-bullets = Aizzīmju saraksts
format-numbers = Numurēts saraksts
format-link = Saite
format-image = Ievietot attēlu
format-help = **treknraksts**, *slīpraksts*, saraksti ar „- ” un „1. ”, saites kā [vārdi](https://…); ielīmējiet vai ievelciet attēlu, lai to parādītu tekstā.
composer-image-type = Tekstā var parādīt tikai PNG, JPEG, GIF un WebP attēlus. Citus failus pievienojiet ar „Pievienot failus”.
composer-image-size = Šis attēls ir lielāks par augšupielādes ierobežojumu. Samaziniet to vai pievienojiet mazāku.
composer-too-late = Par vēlu atsaukt: atbilde jau ir nosūtīta.
send-and-solve = Nosūtīt un atrisināt
composer-draft-saved = Melnraksts saglabāts
composer-pictures = Attēli šajā atbildē
composer-chat-help = Enter nosūta, Shift+Enter sāk jaunu rindu.
signatures-title = Paraksti
signatures-link = Paraksti
signatures-help = Jūsu atbildes pa e-pastu beidzas ar parakstu klienta valodā vai, ja tāda nav, ar parakstu jebkurai valodai. Pēc tā seko iesūtnes paraksts.
signatures-saved = Paraksti saglabāti.
signatures-any = Jebkurai valodai (ja klienta valodā paraksta nav)
signatures-inbox-title = Iesūtnes paraksti: { $name }

# The reply window (WhatsApp) on a conversation page
reply-window-open = { $channel } atbildes logs ir atvērts līdz { $until }: pēc tam līdz klienta nākamajam ziņojumam var sūtīt tikai apstiprinātas veidnes.
reply-window-closed = { $channel } atbildes logs aizvērās { $until } (klients pēdējo reizi rakstīja pirms vairāk nekā 24 stundām): līdz klienta nākamajam ziņojumam var sūtīt tikai apstiprinātu veidni.
reply-window-templates = Sūtīt apstiprinātu veidni
reply-window-parameter = Parametrs { $n }
reply-window-send = Sūtīt veidni
reply-window-no-templates = Šai iesūtnei vēl nav apstiprinātu veidņu: administrators tās reģistrē (whatsapp.templates).
