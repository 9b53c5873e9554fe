//! Catalan, with its accents, apostrophes and the middle dot (l·l).

use super::{Bank, Topic};

pub static BANK: Bank = Bank {
    code: "ca",
    sep: " ",
    family_first: false,
    name_sep: " ",
    given: &[
        ("Jordi", "jordi", false),
        ("Montserrat", "montserrat", true),
        ("Pau", "pau", false),
        ("Núria", "nuria", true),
        ("Marc", "marc", false),
        ("Laia", "laia", true),
        ("Arnau", "arnau", false),
        ("Mireia", "mireia", true),
        ("Oriol", "oriol", false),
        ("Mercè", "merce", true),
        ("Joan", "joan", false),
        ("Roser", "roser", true),
    ],
    family: &[
        ("Puig", "puig"),
        ("Ferrer", "ferrer"),
        ("Vilalta", "vilalta"),
        ("Soler", "soler"),
        ("Martí", "marti"),
        ("Font", "font"),
        ("Sala", "sala"),
        ("Roca", "roca"),
        ("Casals", "casals"),
        ("Pujol", "pujol"),
        ("Vidal", "vidal"),
        ("Rovira", "rovira"),
    ],
    family_female: &[],
    domains: &["example.cat", "correu.example.cat", "example.ad"],
    timezones: &["Europe/Madrid", "Europe/Andorra"],
    phone_prefix: "+34 6",
    topics: &[
        Topic {
            tag: "billing",
            subjects: &[
                "Dubte sobre la factura {n}",
                "M'han cobrat dues vegades aquest mes",
                "Falta el NIF a la factura",
            ],
            problems: &[
                "Aquest mes m'han cobrat dues vegades la subscripció (factura {n}).",
                "A la factura {n} hi ha l'adreça de l'empresa equivocada i hi falta el nostre NIF.",
            ],
            actions: &[
                "He revisat el vostre compte i he retornat el càrrec duplicat; apareixerà a l'extracte en un termini de cinc dies hàbils.",
                "He corregit les dades de facturació i us adjunto una còpia nova de la factura {n}.",
            ],
        },
        Topic {
            tag: "login",
            subjects: &[
                "No puc accedir al meu compte",
                "No m'arriba el correu per restablir la contrasenya",
                "Bloquejat després de canviar la verificació en dos passos",
            ],
            problems: &[
                "Des d'ahir no puc iniciar la sessió; la pàgina només diu que la contrasenya és incorrecta.",
                "He demanat tres vegades restablir la contrasenya, però el correu no m'arriba mai.",
            ],
            actions: &[
                "Us he enviat un enllaç nou per restablir-la; és vàlid durant 24 hores.",
                "El compte s'havia bloquejat després de massa intents. L'he desbloquejat i ja podeu tornar a entrar.",
            ],
        },
        Topic {
            tag: "shipping",
            subjects: &[
                "On és la meva comanda {n}?",
                "El paquet consta com a lliurat però no l'he rebut",
                "Canvi d'adreça d'enviament de la comanda {n}",
            ],
            problems: &[
                "La comanda {n} havia d'arribar la setmana passada, però el seguiment fa cinc dies que no canvia.",
                "La pàgina de seguiment diu que el paquet s'ha lliurat, però no m'ha arribat res.",
            ],
            actions: &[
                "He parlat amb el transportista i m'ha confirmat que el paquet és al magatzem local; us l'entregaran demà.",
                "He obert una reclamació amb el transportista i, si no troben el paquet abans de divendres, us n'enviarem un de nou.",
            ],
        },
        Topic {
            tag: "refund",
            subjects: &[
                "Sol·licitud de reemborsament de la comanda {n}",
                "Encara espero el reemborsament",
                "L'article ha arribat malmès",
            ],
            problems: &[
                "Fa dues setmanes que vaig tornar l'article de la comanda {n} i encara no he rebut el reemborsament.",
                "L'article ha arribat malmès i preferiria el reemborsament en lloc d'un recanvi.",
            ],
            actions: &[
                "He tramitat el reemborsament complet de la comanda {n}; el banc sol trigar entre tres i cinc dies hàbils a mostrar-lo.",
                "He aprovat la devolució i us he enviat per correu una etiqueta d'enviament prepagada.",
            ],
        },
        Topic {
            tag: "bug",
            subjects: &[
                "Error en exportar informes",
                "L'aplicació es tanca en obrir-la",
                "La pàgina no acaba mai de carregar",
            ],
            problems: &[
                "Quan intento exportar l'informe mensual en CSV em surt un missatge d'error.",
                "Des de l'última actualització l'aplicació es tanca tan bon punt l'obro.",
            ],
            actions: &[
                "L'equip tècnic n'ha trobat la causa i publicarem una correcció aquesta setmana; mentrestant, l'exportació en PDF funciona.",
                "Podríeu esborrar la memòria cau i tornar-ho a provar? Si continua fallant, envieu-nos una captura de pantalla de l'error.",
            ],
        },
        Topic {
            tag: "account",
            subjects: &[
                "Com puc donar de baixa la subscripció?",
                "Canvi de l'adreça electrònica del compte",
                "Passar al pla anual",
            ],
            problems: &[
                "Voldria donar de baixa la subscripció al final d'aquest període de facturació.",
                "Necessito canviar l'adreça electrònica del compte perquè deixo l'empresa on treballo.",
            ],
            actions: &[
                "He programat la baixa per al final del període actual, així que fins llavors mantindreu l'accés.",
                "He actualitzat el compte tal com ens demanàveu; d'aquí a poc rebreu un correu de confirmació.",
            ],
        },
    ],
    hello: &["Bon dia,", "Hola,", "Bona tarda,"],
    details: &[
        "Ja he provat de tancar la sessió i tornar a entrar.",
        "És força urgent perquè divendres tenim una data límit.",
        "Adjunto una captura de pantalla per si us és útil.",
        "El meu compte està registrat amb aquesta adreça electrònica.",
    ],
    sign_off: &[
        "Gràcies per endavant,",
        "Salutacions cordials,",
        "Moltes gràcies,",
    ],
    agent_hello: &["Hola, {name}:", "Bon dia, {name}:"],
    agent_ack: &[
        "Gràcies per contactar amb el servei d'atenció al client i disculpeu les molèsties.",
        "Gràcies pels detalls, ens són molt útils.",
        "Disculpeu l'espera.",
    ],
    agent_bye: &[
        "Si us podem ajudar en qualsevol altra cosa, digueu-nos-ho.\n\nSalutacions,",
        "Que tingueu un bon dia!\n\nAtentament,",
    ],
    thanks: &[
        "Ja funciona, moltes gràcies!",
        "Perfecte, ara tot està bé. Gràcies per l'ajuda tan ràpida.",
    ],
    still: &[
        "Malauradament encara no funciona; em surt el mateix missatge d'error.",
        "Gràcies, però encara no he rebut res. Ho podríeu tornar a comprovar?",
    ],
    notes: &[
        "He revisat els registres: la passarel·la de pagament ha fallat dues vegades amb aquest client.",
        "Client de fa anys, tracteu-lo amb cura i amb l'atenció que es mereix.",
        "Escalat a l'equip tècnic, amb la incidència enllaçada.",
        "Esperant que el transportista confirmi l'estat de l'enviament.",
    ],
    reasons: &[
        "Cal algú de facturació.",
        "Me'n vaig de vacances, ho passo a una companya.",
    ],
};
