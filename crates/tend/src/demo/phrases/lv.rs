//! Latvian, with its diacritics and female surname forms.

use super::{Bank, Topic};

pub static BANK: Bank = Bank {
    code: "lv",
    sep: " ",
    family_first: false,
    name_sep: " ",
    given: &[
        ("Jānis", "janis", false),
        ("Anna", "anna", true),
        ("Andris", "andris", false),
        ("Līga", "liga", true),
        ("Mārtiņš", "martins", false),
        ("Ilze", "ilze", true),
        ("Kārlis", "karlis", false),
        ("Inese", "inese", true),
        ("Edgars", "edgars", false),
        ("Dace", "dace", true),
        ("Krišjānis", "krisjanis", false),
        ("Zane", "zane", true),
    ],
    family: &[
        ("Bērziņš", "berzins"),
        ("Kalniņš", "kalnins"),
        ("Ozols", "ozols"),
        ("Jansons", "jansons"),
        ("Liepiņš", "liepins"),
        ("Krūmiņš", "krumins"),
        ("Pētersons", "petersons"),
        ("Vītols", "vitols"),
        ("Kļaviņš", "klavins"),
        ("Eglītis", "eglitis"),
        ("Lācis", "lacis"),
        ("Zariņš", "zarins"),
    ],
    family_female: &[
        ("Bērziņa", "berzina"),
        ("Kalniņa", "kalnina"),
        ("Ozola", "ozola"),
        ("Jansone", "jansone"),
        ("Liepiņa", "liepina"),
        ("Krūmiņa", "krumina"),
        ("Pētersone", "petersone"),
        ("Vītola", "vitola"),
        ("Kļaviņa", "klavina"),
        ("Eglīte", "eglite"),
        ("Lāce", "lace"),
        ("Zariņa", "zarina"),
    ],
    domains: &["example.lv", "inbox.example.lv", "example.eu"],
    timezones: &["Europe/Riga"],
    phone_prefix: "+371 2",
    topics: &[
        Topic {
            tag: "billing",
            subjects: &[
                "Jautājums par rēķinu {n}",
                "Šomēnes nauda noņemta divreiz",
                "Rēķinā trūkst PVN numura",
            ],
            problems: &[
                "Šomēnes par abonementu nauda tika noņemta divas reizes (rēķins {n}).",
                "Rēķinā {n} norādīta nepareiza uzņēmuma adrese, un trūkst mūsu PVN numura.",
            ],
            actions: &[
                "Pārbaudīju jūsu kontu un atmaksāju dubulto maksājumu; tas parādīsies jūsu kontā piecu darba dienu laikā.",
                "Izlaboju norēķinu datus un pievienoju šai vēstulei jaunu rēķina {n} kopiju.",
            ],
        },
        Topic {
            tag: "login",
            subjects: &[
                "Nevaru pieslēgties savam kontam",
                "Paroles atjaunošanas e-pasts nepienāk",
                "Pēc divpakāpju autentifikācijas maiņas nevaru ielogoties",
            ],
            problems: &[
                "Kopš vakardienas nevaru pieslēgties; lapa tikai saka, ka parole ir nepareiza.",
                "Trīs reizes pieprasīju paroles atjaunošanu, bet e-pasts tā arī nepienāca.",
            ],
            actions: &[
                "Nosūtīju jums jaunu atjaunošanas saiti; tā ir derīga 24 stundas.",
                "Jūsu konts bija bloķēts pēc pārāk daudziem mēģinājumiem. Atbloķēju to, tāpēc tagad varat pieslēgties.",
            ],
        },
        Topic {
            tag: "shipping",
            subjects: &[
                "Kur ir mans pasūtījums {n}?",
                "Sūtījums atzīmēts kā piegādāts, bet nav saņemts",
                "Piegādes adreses maiņa pasūtījumam {n}",
            ],
            problems: &[
                "Pasūtījumam {n} bija jāpienāk pagājušajā nedēļā, bet izsekošanas statuss nav mainījies piecas dienas.",
                "Izsekošanas lapā rakstīts, ka sūtījums piegādāts, taču pie durvīm nekas nav atstāts.",
            ],
            actions: &[
                "Sazinājos ar kurjeru, un viņi apstiprināja, ka sūtījums ir vietējā noliktavā; rīt to piegādās.",
                "Pārvadātājs ir sācis meklēšanu; ja sūtījums netiks atrasts līdz piektdienai, nosūtīsim jums jaunu preci.",
            ],
        },
        Topic {
            tag: "refund",
            subjects: &[
                "Naudas atmaksa par pasūtījumu {n}",
                "Joprojām gaidu atmaksu",
                "Prece pienāca bojāta",
            ],
            problems: &[
                "Pirms divām nedēļām atgriezu preci no pasūtījuma {n}, bet atmaksa vēl nav pienākusi.",
                "Prece pienāca bojāta, un es vēlētos naudas atmaksu, nevis apmaiņu.",
            ],
            actions: &[
                "Veicu pilnu atmaksu par pasūtījumu {n}; bankai parasti vajag 3–5 darba dienas, lai to parādītu.",
                "Apstiprināju preces atgriešanu un nosūtīju jums apmaksātu piegādes uzlīmi.",
            ],
        },
        Topic {
            tag: "bug",
            subjects: &[
                "Kļūda, eksportējot atskaites",
                "Lietotne aizveras uzreiz pēc palaišanas",
                "Lapa ielādējas bezgalīgi",
            ],
            problems: &[
                "Mēģinot eksportēt mēneša atskaiti CSV formātā, parādās kļūdas paziņojums.",
                "Kopš pēdējā atjauninājuma lietotne aizveras, tiklīdz to atveru.",
            ],
            actions: &[
                "Mūsu inženieri atrada cēloni, un labojums tiks izlaists šonedēļ; pa to laiku varat izmantot PDF eksportu.",
                "Lūdzu, notīriet kešatmiņu un mēģiniet vēlreiz. Ja kļūda atkārtojas, atsūtiet ekrānuzņēmumu.",
            ],
        },
        Topic {
            tag: "account",
            subjects: &[
                "Kā atcelt abonementu?",
                "E-pasta adreses maiņa kontā",
                "Pāreja uz gada plānu",
            ],
            problems: &[
                "Vēlos atcelt abonementu šī norēķinu perioda beigās.",
                "Man jāmaina konta e-pasta adrese, jo aizeju no pašreizējā uzņēmuma.",
            ],
            actions: &[
                "Ieplānoju abonementa atcelšanu pašreizējā perioda beigās, tāpēc līdz tam piekļuve saglabāsies.",
                "Atjaunināju jūsu kontu, kā lūdzāt; drīzumā saņemsiet apstiprinājuma e-pastu.",
            ],
        },
    ],
    hello: &["Labdien!", "Sveicināti!", "Labrīt!"],
    details: &[
        "Jau mēģināju izrakstīties un pieslēgties no jauna.",
        "Tas ir diezgan steidzami, jo piektdien mums ir termiņš.",
        "Pielieku ekrānuzņēmumu, ja tas palīdz.",
        "Mans konts ir reģistrēts ar šo e-pasta adresi.",
    ],
    sign_off: &["Paldies jau iepriekš!", "Ar cieņu,", "Jauku dienu!"],
    agent_hello: &["Labdien, {name}!", "Sveiki, {name}!"],
    agent_ack: &[
        "Paldies, ka sazinājāties ar mums, un atvainojiet par sagādātajām neērtībām.",
        "Paldies par sīkāku informāciju, tas ļoti palīdz.",
        "Atvainojiet, ka nācās gaidīt.",
    ],
    agent_bye: &[
        "Ja varu vēl kā palīdzēt, lūdzu, dodiet ziņu.\n\nAr cieņu,",
        "Jauku dienu!\n\nAr labākajiem vēlējumiem,",
    ],
    thanks: &[
        "Viss strādā, liels paldies!",
        "Lieliski, tagad viss ir kārtībā. Paldies par ātro palīdzību.",
    ],
    still: &[
        "Diemžēl joprojām neizdodas; rādās tā pati kļūda.",
        "Paldies, bet sūtījums joprojām nav pienācis. Vai varat vēlreiz pārbaudīt?",
    ],
    notes: &[
        "Pārbaudīju žurnālus: maksājumu vārtejai šim klientam divreiz iestājās noildze.",
        "Ilggadējs klients, lūdzu, izturieties īpaši uzmanīgi.",
        "Nodots izstrādes komandai, pieteikums piesaistīts.",
        "Gaidām kurjera apstiprinājumu par piegādes statusu.",
    ],
    reasons: &[
        "Vajag kādu no grāmatvedības.",
        "Dodos atvaļinājumā, nododu kolēģim.",
    ],
};
