# Tend darba vieta — automatizācijas noteikumi: administrēšanas lapas un
# sarunas lapas sadaļa "Automatizācija" (latviski).

## Saraksts
auto-about = Noteikumi, kas paši darbojas ar sarunām: notikumos vai pēc kāda laika.
admin-automations = Automatizācija
auto-intro = Noteikumi darbojas ar sarunām paši, no šī saraksta augšas uz leju. Jauns noteikums sākumā ir izslēgts: izmēģiniet to, tad ieslēdziet.
auto-none = Noteikumu vēl nav.
auto-new = Jauns noteikums
auto-col-order = Secība
auto-col-when = Kad
auto-col-state = Stāvoklis
auto-col-parts = Nosacījumi un darbības
auto-parts = Nosacījumi: { $count } · darbības: { $value }
auto-on = Ieslēgts
auto-off = Izslēgts
auto-move-up = Uz augšu
auto-move-down = Uz leju
auto-enable = Ieslēgt
auto-disable = Izslēgt
auto-enable-named = Ieslēgt “{ $name }”
auto-disable-named = Izslēgt “{ $name }”
auto-edit = Labot
auto-edit-named = Labot “{ $name }”
auto-delete = Dzēst
auto-delete-named = Dzēst “{ $name }”
auto-delete-title = Dzēst noteikumu “{ $name }”?
auto-delete-text = Tas, ko tas izdarīja, paliek sarunu laika joslās. To nevar atsaukt.
auto-delete-keep = Paturēt
auto-when-after = { $value } pēc { $name }
auto-when-business = { $value }, skaitot kalendāra “{ $name }” darba laiku

## Forma
auto-new-title = Jauns noteikums
auto-edit-title = Noteikums: { $name }
auto-back = Visi noteikumi
auto-when-kind-event = Kad kaut kas notiek
auto-when-kind-after = Dažas minūtes pēc kāda brīža
auto-event = Notikums
auto-minutes = Minūtes
auto-since = Pēc
auto-calendar = Kalendārs
auto-calendar-none = Skaitīt katru minūti (bez kalendāra)
auto-conditions = Nosacījumi
auto-conditions-help = Bez nosacījumiem noteikums darbojas vienmēr. Jāizpildās katram grupas “visi” nosacījumam un, ja tādi ir, vienam no grupas “kāds”. Vērtībai “ir viens no” rakstiet vērtības, atdalot ar komatiem; iesūtnei, komandai un atbildīgajam norādiet ID; “neviena” gadījumā atstājiet vērtību tukšu.
auto-no-conditions = Nav nosacījumu: noteikums darbojas vienmēr.
auto-condition-n = Nosacījums { $id }
auto-group = Grupa
auto-group-all = Visiem jāizpildās
auto-group-any = Pietiek ar vienu
auto-cond-field = Lauks
auto-cond-op = Salīdzinājums
auto-cond-value = Vērtība
auto-choose = — izvēlieties —
auto-add-condition = Pievienot nosacījumu
auto-remove-condition = Noņemt nosacījumu { $id }
auto-actions = Darbības
auto-actions-help = Ko noteikums dara, šādā secībā.
auto-action-n = Darbība { $id }
auto-action-type = Darbība
auto-add-action = Pievienot darbību
auto-remove-action = Noņemt darbību { $id }
auto-value-status = Jaunais statuss
auto-value-priority = Jaunā prioritāte
auto-value-tags = Birkas, atdalītas ar komatiem
auto-value-team = Komanda
auto-value-agent = Aģents
auto-value-text = Teksts
auto-value-url = Adrese (http:// vai https://)
auto-value-secret = Parakstīšanas noslēpums (nav obligāts)
auto-trace = Saglabāt izvērtējumus, kuros noteikums nesuzdarbojās
auto-trace-help = Tie redzami sarunas lapā sadaļā “Automatizācija” un atbild uz jautājumu “kāpēc mans noteikums nesuzdarbojās?”.
auto-error-number = Ierakstiet veselu skaitli.
auto-saved-off = Saglabāts. Noteikums ir izslēgts: izmēģiniet to, tad ieslēdziet.

## Izmēģinājums un ieslēgšana
auto-state-on = Šis noteikums ir ieslēgts.
auto-state-off = Šis noteikums ir izslēgts. Izmēģinājums parāda, ko tas skartu, pirms to ieslēdzat.
auto-dry-run = Izmēģināt
auto-dry-days = Cik dienas atpakaļ skatīties
auto-dry-help = Kuras šajās dienās mainītās sarunas, tādas, kādas tās ir tagad, atbilst noteikuma nosacījumiem. Nekas netiek mainīts.
auto-dry-title = { $count ->
    [zero] Izmēģinājums par { $count } dienām
    [one] Izmēģinājums par { $count } dienu
   *[other] Izmēģinājums par { $count } dienām
}
auto-dry-matched = Atbilstu
auto-dry-examined = Apskatītas
auto-dry-sample = Dažas no tām
auto-dry-none = Neviena neatbilstu.

## Sarunas lapa
auto-panel-title = Automatizācija
auto-panel-show = Kāpēc noteikums suzdarbojās vai nesuzdarbojās?
auto-panel-none = Noteikumu nav.
auto-holds = Tā nosacījumi tagad izpildās.
auto-holds-not = Tā nosacījumi tagad neizpildās.
auto-held = izpildās
auto-not-held = neizpildās
auto-always = Nav nosacījumu.
auto-traces = Izvērtējumi, kuros noteikums nesuzdarbojās
auto-traces-none = Nekas nav saglabāts (saglabā tikai tie noteikumi, kuriem tas ieslēgts).

## Notikumi, kuros noteikums darbojas
auto-event-conversation-created = Izveidota saruna
auto-event-message-added = Pievienota ziņa
auto-event-status-changed = Mainās statuss
auto-event-priority-changed = Mainās prioritāte
auto-event-tags-changed = Mainās birkas
auto-event-assigned = Mainās atbildīgais
auto-event-sla-warning = Apkalpošanas līmeņa brīdinājums
auto-event-sla-breached = Apkalpošanas līmenis pārkāpts
auto-event-survey-answered = Klients atbild uz aptauju

## Brīži, no kuriem laika noteikums skaita
auto-since-created = izveidošanas
auto-since-status-changed = pēdējās statusa maiņas
auto-since-last-customer-message = klienta pēdējās ziņas
auto-since-last-agent-message = dienesta pēdējās publiskās ziņas

## Uz ko nosacījums skatās
auto-field-status = Statuss
auto-field-priority = Prioritāte
auto-field-channel = Kanāls
auto-field-inbox-id = Iesūtne (ID)
auto-field-team-id = Komanda (ID)
auto-field-assignee-id = Atbildīgais (lietotāja ID)
auto-field-tags = Birkas
auto-field-language = Valoda
auto-field-subject = Temats
auto-field-text = Ziņas teksts
auto-field-message-from = Ziņas autors
auto-field-customer-email = Klienta e-pasts
auto-field-customer-name = Klienta vārds
auto-field-sla-breached = Pārkāptie apkalpošanas līmeņi
auto-field-hours-since-created = Stundas kopš izveidošanas

## Kā nosacījums salīdzina
auto-op-is = ir
auto-op-is-not = nav
auto-op-in = ir viens no
auto-op-not-in = nav neviens no
auto-op-contains = satur
auto-op-not-contains = nesatur
auto-op-gt = ir lielāks par
auto-op-lt = ir mazāks par

## Ko noteikums dara
auto-action-set-status = Iestatīt statusu
auto-action-set-priority = Iestatīt prioritāti
auto-action-add-tags = Pievienot birkas
auto-action-remove-tags = Noņemt birkas
auto-action-assign-team = Nodot komandai
auto-action-assign-agent = Nodot aģentam
auto-action-reply = Publiska atbilde
auto-action-note = Iekšēja piezīme
auto-action-webhook = Izsaukt tīmekļa āķi (webhook)
