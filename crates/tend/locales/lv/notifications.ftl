# Paziņojumi un atlikšana (issue 25).

event-snoozed = atlikta līdz { $until }
event-unsnoozed-due = atlikšana beidzās; atkal atvērta
event-unsnoozed-customer = klients atbildēja; atlikšana beidzās
event-unsnoozed = atlikšana beidzās
job-snooze = Atlikto sarunu atgriešana
mail-kind-notification = paziņojums aģentam

snoozed-until = Atlikta līdz { $until }
snooze-title = Atlikt
snooze-until-label = Gaida līdz
snooze-help = Jūsu laika josla: { $tz }. Tad saruna atgriežas pie sava īpašnieka; klienta atbilde atlikšanu beidz uzreiz.
snooze-submit = Atlikt
snooze-bad-time = Norādiet datumu un laiku.

notification-kind-mention = Pieminējumi piezīmēs
notification-kind-assigned = Man piešķirtās sarunas
notification-kind-customer-replied = Manu klientu atbildes
notification-kind-chat-waiting = Tērzēšanas, kas gaida manā rindā
notification-kind-snooze-ended = Atlikšanas beigas

notification-someone = Kāds
notification-mention = { $actor } pieminēja jūs sarunā #{ $id } { $subject }
notification-assigned = Saruna #{ $id } { $subject } piešķirta jums
notification-customer-replied = Klients atbildēja sarunā #{ $id } { $subject }
notification-chat-waiting = Jūsu rindā gaida tērzēšana: #{ $id } { $subject }
notification-snooze-ended = Saruna #{ $id } { $subject } atgriezās no atlikšanas

notifications-title = Paziņojumi
notifications-all = Visi
notifications-unread = Nelasītie
notifications-preferences = Paziņojumu iestatījumi
notifications-preferences-about = Katram veidam izvēlieties, vai tas redzams darba vietā, nāk pa pastu vai abi.
notifications-preferences-edit = Mainīt paziņojumu iestatījumus
notifications-allow-browser = Rādīt pārlūka paziņojumus
notifications-none = Paziņojumu nav.
notifications-read-all = Atzīmēt visus kā lasītus
notifications-new = jauns
notifications-mark-read = Atzīmēt kā lasītu
notifications-older = Vecāki paziņojumi
notifications-saved = Iestatījumi saglabāti.
notifications-kind = Veids
notifications-web = Darba vieta
notifications-mail = Pasts
notifications-sound = Atskaņot īsu signālu, kad gaida tērzēšana

# Alerts to the admins: a channel inbox stopped working.
mail-kind-alert = brīdinājums administratoriem
alert-failing-subject = Tend: iesūtne “{ $inbox }” pārstāja darboties
alert-hello = Labdien, { $name }!
alert-failing = Iesūtne “{ $inbox }” ({ $channel }) pārstāja darboties. Pakalpojuma sniedzējs atbildēja: { $error }
alert-failing-after = Tend saglabā ziņas un pats mēģina vēlreiz. Kamēr piekļuves dati vai iestatījumi nav izlaboti, šī kanāla klienti nesaņem atbildes.
alert-failing-settings = Iesūtnes iestatījumi: { $url }
