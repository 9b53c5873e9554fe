# Publiskās palīdzības lapas: saziņas veidlapa /help/contact.
help-centre = Palīdzības centrs
help-language = Valoda
contact-title = Sazinieties ar mums
contact-intro = Pastāstiet, kas jums vajadzīgs, un mēs atbildēsim pa e-pastu.
contact-field-name = Jūsu vārds
contact-field-email = E-pasta adrese
contact-field-subject = Temats
contact-field-message = Ziņojums
contact-field-attachments = Pielikumi
contact-optional = nav obligāts
contact-attachments-hint = Varat pievienot vairākus failus, kopā ne vairāk kā { $count } MB.
contact-honeypot = Atstājiet šo lauku tukšu
contact-send = Nosūtīt
contact-error-summary = Lūdzu, izlabojiet atzīmētos laukus.
contact-error-required-email = Lūdzu, ievadiet savu e-pasta adresi.
contact-error-email = Šī nav derīga e-pasta adrese, piemēram, vards@example.com.
contact-error-required-message = Lūdzu, uzrakstiet savu ziņojumu.
contact-error-too-long = Pārāk garš: ne vairāk kā { $count } rakstzīmes.
contact-error-files-too-large = Faili ir pārāk lieli: kopā tie drīkst būt ne vairāk kā { $count } MB. Tie netika nosūtīti; lūdzu, izvēlieties mazākus.
contact-error-too-many-files = Lūdzu, pievienojiet ne vairāk kā { $count } failus.
contact-error-invalid = Lūdzu, pārbaudiet šo lauku.
contact-files-again = Drošības dēļ, atkārtoti parādot veidlapu, faili netiek saglabāti; lūdzu, izvēlieties tos vēlreiz.
contact-thanks-title = Paldies
contact-thanks = Mēs saņēmām jūsu ziņojumu un atbildēsim uz { $to }.
contact-thanks-reference = Jūsu pieprasījuma numurs ir #{ $id }.
contact-thanks-again = Nosūtīt vēl vienu ziņojumu
contact-not-found-title = Veidlapa nav atrasta
contact-not-found = Šāda saziņas veidlapa nepastāv. Lūdzu, pārbaudiet saiti.
contact-forbidden-title = No šīs vietnes sūtīt nav atļauts
contact-forbidden = Šo veidlapu var nosūtīt tikai no vietnēm, ko tās īpašnieks ir apstiprinājis. Lūdzu, izmantojiet veidlapu pašā atbalsta vietnē.
contact-rate-limited-title = Pārāk daudz ziņojumu
contact-rate-limited = Īsā laikā esat nosūtījis daudz ziņojumu. Lūdzu, uzgaidiet minūti un mēģiniet vēlreiz.
contact-too-large-title = Pārāk liels
contact-too-large = Nosūtītais kopā pārsniedz { $count } MB. Lūdzu, sūtiet mazākus failus.
contact-bad-request-title = Veidlapu neizdevās nolasīt
contact-bad-request = Lūdzu, atgriezieties un nosūtiet veidlapu vēlreiz.
contact-error-title = Radās kļūda
contact-error = Jūsu ziņojumu neizdevās saglabāt. Lūdzu, mēģiniet vēlreiz pēc dažām minūtēm.
contact-back = Atpakaļ uz veidlapu
# Palīdzības centrs (/help/{lang}/): raksti, meklēšana, vērtējumi.
kb-skip = Pāriet uz saturu
kb-search-label = Meklēt palīdzības centrā
kb-search = Meklēt
kb-search-results = Meklēšanas rezultāti: “{ $q }”
kb-search-none = Neviens raksts neatbilst meklētajam. Mēģiniet citus vārdus vai sazinieties ar mums.
kb-empty = Šeit vēl nav rakstu.
kb-uncategorised = Citi raksti
kb-untranslated = vēl nav tulkots
kb-not-translated = Šis raksts vēl nav iztulkots latviski. Tas parādīts šajā valodā: { $name }.
kb-vote-question = Vai tas palīdzēja?
kb-vote-yes = Jā
kb-vote-no = Nē
kb-vote-thanks = Paldies, ka pastāstījāt.
kb-contact-prompt = Neatradāt vajadzīgo?
kb-contact-link = Sazinieties ar mums
kb-not-found-title = Lapa nav atrasta
kb-not-found = Šī lapa nepastāv. Mēģiniet meklēt palīdzības centrā.
kb-rate-limited-title = Pārāk daudz pieprasījumu
kb-rate-limited = Īsā laikā meklējāt ļoti bieži. Lūdzu, pagaidiet minūti un mēģiniet vēlreiz.
# Ieteikumi rakstīšanas laikā (assets/suggest.js).
contact-suggest-title = Šie raksti, iespējams, atbild uz jūsu jautājumu
contact-suggest-hint = Tie atveras jaunā cilnē; jūsu ziņa paliek šeit.
# Klientu portāls (/help/portal).
kb-portal-prompt = Jau rakstījāt mums?
kb-portal-link = Skatīt savas sarunas
kb-chat-prompt = Vēlaties runāt tūlīt?
kb-chat-link = Tērzēt ar mums
portal-title = Jūsu sarunas
portal-signin-title = Piesakieties, lai redzētu savas sarunas
portal-signin-intro = Ievadiet e-pasta adresi, no kuras rakstāt mums. Mēs nosūtīsim saiti, ar kuru pieteikties: parole nav vajadzīga.
portal-field-email = E-pasta adrese
portal-signin-send = Sūtīt man pieteikšanās saiti
portal-error-email = Ievadiet derīgu e-pasta adresi, piemēram, vards@example.com.
portal-link-sent-title = Pārbaudiet e-pastu
portal-link-sent = Ja { $to } ir mums zināma adrese, uz to ir nosūtīta pieteikšanās saite. Saite der vienu reizi { $minutes } minūšu laikā.
portal-rate-limited-title = Pārāk daudz pieprasījumu
portal-rate-limited = Īsā laikā esat pieprasījis daudz pieteikšanās saišu. Lūdzu, nedaudz uzgaidiet un mēģiniet vēlreiz.
portal-back = Atpakaļ uz portālu
portal-open-title = Pieteikties savās sarunās
portal-open-intro = Nospiediet pogu, lai pieteiktos. Saite der tikai vienu reizi.
portal-open-button = Pieteikties
portal-link-invalid-title = Šī saite vairs nedarbojas
portal-link-invalid = { $count ->
    [zero] Pieteikšanās saites der vienu reizi { $count } minūšu laikā. Pieprasiet jaunu.
    [one] Pieteikšanās saites der vienu reizi { $count } minūtes laikā. Pieprasiet jaunu.
   *[other] Pieteikšanās saites der vienu reizi { $count } minūšu laikā. Pieprasiet jaunu.
}
portal-empty = Jums vēl nav sarunu ar mums.
portal-sign-out = Atteikties
portal-contact = Sazināties par ko jaunu
portal-status-new = Saņemts
portal-status-open = Tiek risināts
portal-status-pending = Gaida jūsu atbildi
portal-status-solved = Atrisināts
portal-status-closed = Slēgts
portal-back-list = Visas jūsu sarunas
portal-you = Jūs
portal-desk = Atbalsta komanda
portal-reply-title = Atbildēt
portal-field-message = Jūsu ziņa
portal-field-files = Faili
portal-send = Sūtīt
portal-sent = Jūsu ziņa ir nosūtīta.
portal-error-message = Pirms sūtīšanas uzrakstiet ziņu.
portal-error-answer = Izvēlieties, vai jūsu problēma ir atrisināta.
portal-closed = Šī saruna ir slēgta.
portal-confirm-title = Vai jūsu problēma ir atrisināta?
portal-confirm-yes = Jā, tā ir atrisināta
portal-confirm-no = Nē, tā nav atrisināta
portal-confirmed-yes = Paldies par apstiprinājumu. Saruna ir slēgta.
portal-confirmed-no = Mums žēl. Saruna ir atvērta no jauna, un mēs pie jums atgriezīsimies.
portal-forbidden-title = Nav atļauts
portal-forbidden = Šo veidlapu var sūtīt tikai no tās pašas lapas. Atveriet lapu vēlreiz un mēģiniet vēlreiz.
portal-not-found-title = Nav atrasts
portal-not-found = Starp jūsu sarunām tādas nav.
portal-error-title = Radās kļūda
portal-error = Lūdzu, mēģiniet vēlreiz vēlāk.
portal-mail-subject = Jūsu pieteikšanās saite
portal-mail-text =
    Labdien!

    Izmantojiet šo saiti, lai pieteiktos un redzētu savas sarunas ar mums:

    { $url }

    Tā der vienu reizi { $minutes } minūšu laikā. Ja to nepieprasījāt, šo vēstuli varat neņemt vērā.
