# Espai de treball dels agents de Tend — cerca, clients i administració (català).
# Ha de tenir totes les claus d'en/admin.ftl.

## Cerca
search-title = Cerca
search-title-for = Cerca: { $q }
search-submit = Cerca
search-syntax = Com cercar
search-help = Han de coincidir totes les paraules, en qualsevol idioma. Podeu fer servir "frases entre cometes", -paraula per excloure-la, i filtres com status:open, assignee:me, tag:billing, from:example.com, inbox:3, after:2024-05-01 i before:2024-06-01.
search-results = { $count ->
    [one] S'ha trobat una conversa
   *[other] S'han trobat { $count } converses
}
search-none = Cap conversa no hi coincideix. Proveu amb menys paraules o amb unes altres.

## Clients
customers-title = Clients
customers-search = Nom o correu electrònic
customers-none = Cap client no hi coincideix.
customers-back = Tots els clients
customer-saved = S'ha desat el perfil.
customer-merged = S'han fusionat els dos registres. Les seves adreces i converses ara són aquí.
customer-history = Converses
customer-history-none = No hi ha cap conversa que pugueu veure.
customer-calls = Trucades
customer-call-col-when = Quan
customer-call-col-call = Trucada
customer-call-col-outcome = Resultat
call-direction-in = Entrant del
call-direction-out = Sortint al
call-outcome-answered = Atesa
call-outcome-missed = Perduda: cal tornar la trucada
call-outcome-ringing = Sonant
call-outcome-unanswered = Sense resposta
call-popup-title = Trucada entrant
call-popup-open = Converses obertes
call-popup-recent = Converses recents
call-popup-none = No hi ha converses anteriors.
call-popup-customer = Obre el client
call-popup-dismiss = Descarta
customer-edit = Edita el perfil
customer-private-hidden = El telèfon, la zona horària, l'organització i les notes només es mostren als supervisors, als administradors i als agents que poden veure totes les converses d'aquest client.
customer-language-help = Un codi d'idioma com ara ja, ko, lv, ca o en.
picker-not-set = Sense definir
customer-language-invalid = «{ $value }» no és una llengua que Tend conegui. Trieu-ne una de la llista.
customer-name-invalid = Escriviu un nom de 200 caràcters com a màxim.
customer-merge = Fusiona un altre registre amb aquest
customer-merge-help = Feu-ho servir quan una mateixa persona té dos registres. Les adreces i les converses de l'altre registre passen a aquest, i l'altre desapareix de la llista. No es pot desfer.
customer-merge-other = Número o correu de l'altre client
customer-merge-submit = Fusiona amb aquest client
merge-other-invalid = Escriviu el número de l'altre client (com ara 42) o una de les seves adreces de correu.
field-phone = Telèfon
field-notes = Notes
field-last-seen = Últim contacte
col-updated = Actualitzada

## Administració: comú
admin-title = Administració
admin-users = Usuaris
admin-teams = Equips
admin-inboxes = Safates
admin-tokens = Testimonis d'API
admin-users-about = Convideu persones, canvieu-ne els rols, desactiveu comptes.
admin-teams-about = Agrupeu els agents i trieu amb quines safates treballa cada equip.
admin-inboxes-about = Adreces de correu, lectura per IMAP i acusaments de recepció automàtics.
admin-tokens-about = Testimonis per a les integracions que fan servir l'API REST.
admin-users-count = { $count ->
    [one] Un usuari
   *[other] { $count } usuaris
}
admin-teams-count = { $count ->
    [one] Un equip
   *[other] { $count } equips
}
admin-inboxes-count = { $count ->
    [one] Una safata
   *[other] { $count } safates
}
admin-tokens-count = { $count ->
    [one] Un testimoni actiu
   *[other] { $count } testimonis actius
}
admin-saved = S'ha desat.
admin-choose-one = Trieu-ne un de la llista.
admin-back = Torna
add = Afegeix
remove = Treu
secret-label = Copieu-lo ara
secret-once = Només es mostra una vegada. Tend en guarda només una empremta i no el pot tornar a mostrar.
field-role = Rol
field-state = Estat
field-created = Creat
field-actions = Accions
field-address = Adreça de correu
field-imap-url = Bústia IMAP que cal llegir
field-kind = Canal
field-label = Etiqueta
field-owner = Usuari

## Administració: usuaris
role-agent = Agent
role-supervisor = Supervisor
role-admin = Administrador
user-you = vós
user-role-of = Rol de { $name }
user-active = Actiu
user-inactive = Desactivat
user-deactivate = Desactiva
user-deactivate-name = Desactiva { $name }
user-reactivate = Reactiva
user-reactivate-name = Reactiva { $name }
user-new-link = Enllaç d'accés nou
user-new-link-name = Enllaç d'accés nou per a { $name }
user-invite = Convideu algú
user-invite-help = Tend crea el compte i us dona un enllaç d'un sol ús. Envieu-lo a la persona; amb ell triarà la seva contrasenya. L'enllaç funciona durant 7 dies.
user-invite-submit = Crea la invitació
invite-link-title = Enllaç d'invitació
invite-link-intro = Envieu aquest enllaç a { $name }. Funciona una sola vegada, durant 7 dies, i permet triar una contrasenya.
invite-inactive = Reactiveu aquest usuari abans de crear un enllaç nou.

## Administració: equips
teams-none = Encara no hi ha cap equip.
team-create = Crea un equip
team-members = Membres
team-no-members = Encara ningú.
team-add-member = Afegeix un membre
team-remove-member = Treu { $name } de l'equip
team-inboxes = Safates amb què treballa aquest equip
team-no-inboxes = Encara cap: els agents de l'equip no veuen res.
team-grant-inbox = Afegeix una safata
team-revoke-inbox = Treu { $name } a l'equip

## Administració: safates
inbox-kind-email = Correu electrònic
inbox-kind-chat = Xat
inbox-kind-web = Formulari web
inbox-kind-api = API
inbox-kind-telegram = Telegram
inbox-kind-whatsapp = WhatsApp
inbox-default = Predeterminada
inbox-create = Crea una safata
inbox-address-help = Obligatòria per a les safates de correu: l'adreça on escriuen els clients.
inbox-imap-help-new = Opcional. Tend recull el correu nou d'aquesta bústia, per exemple imaps://user:password@mail.example.com/INBOX.
inbox-imap-help = Tend llegeix { $url }. Deixeu el camp buit per mantenir-la o escriviu-hi un URL nou.
inbox-imap-off = Deixa de llegir per IMAP
field-imap-after = Després de llegir un missatge
inbox-imap-after-leave = Deixa'l a la bústia
inbox-imap-after-seen = Marca'l com a llegit
inbox-imap-after-move = Mou-lo a una carpeta
field-imap-move-to = Carpeta on moure els missatges
inbox-imap-move-help = S'utilitza amb «Mou-lo a una carpeta». Tend crea la carpeta si no existeix. Els missatges només es marquen o es mouen després que Tend els hagi desat.
inbox-ack = Envia un acusament de recepció automàtic a cada conversa de correu nova

## Administració: testimonis d'API
tokens-none = Encara no hi ha cap testimoni d'API.
token-active = Actiu
token-revoke = Revoca
token-revoke-gone = Aquest testimoni ja està revocat.
token-revoke-name = Revoca el testimoni { $name }
token-revoked-at = Revocat el { $when }
token-create = Crea un testimoni
token-create-help = El testimoni actua amb el rol del seu usuari. Només es mostra una vegada, just després de crear-lo.
token-created-title = Testimoni d'API nou
token-created-intro = Aquest testimoni actua com a { $name }. Feu-lo servir com a "Authorization: Bearer" seguit del testimoni.

## Informes
report-csat-title = Satisfacció dels clients
report-csat-intro = El CSAT és la proporció de valoracions de 4 o 5 estrelles; la taxa de resposta és la proporció d'enquestes que els clients van respondre. Una enquesta compta en el període en què es va enviar.
report-from = Des de
report-to = Fins a
report-period-help = S'hi inclouen les dues dates; els dies són en UTC.
report-bad-date = «{ $q }» no és una data. Feu servir el format 2026-01-31.
report-from-after-to = La data d'inici és posterior a la data final.
report-by-agent = Per agent
report-by-team = Per equip
report-no-agent = Sense responsable
report-no-team = Sense equip
report-by-inbox = Per safata
report-by-channel = Per canal
report-none = No s'ha enviat cap enquesta en aquest període.
report-col-name = Nom
report-col-csat = CSAT
report-col-response-rate = Taxa de resposta
report-col-sent = Enquestes enviades
report-col-answered = Respostes
report-col-rated = Amb valoració
report-col-satisfied = Satisfets (4–5)
report-percent = { $value } %

## Administració: plantilles de l'enquesta
admin-templates = Plantilles de l'enquesta
admin-templates-about = El correu de l'enquesta de satisfacció i la pàgina on responen els clients, en cada idioma.
template-col = Plantilla
template-survey-email-subject = Correu de l'enquesta: assumpte
template-survey-email-text = Correu de l'enquesta: text
template-survey-message-text = Missatge de l'enquesta (aplicacions de missatgeria, API de canal): text
template-survey-page = Pàgina de l'enquesta per als clients
template-edit-in = { $name } en { $to }
template-customized = Modificada
template-builtin = Predeterminada
template-customized-at = Un administrador la va modificar el { $when }.
template-is-builtin = Aquesta és la plantilla predeterminada.
template-source = Plantilla (minijinja)
template-help = Abans de desar-la, Tend comprova que funciona amb dades d'exemple. Variables:
template-reset = Torna a la plantilla predeterminada
template-reset-help = Se suprimiran els vostres canvis en aquesta plantilla.

## Canals públics d'una safata (giny de xat, formulari de contacte)
inbox-public-link = Configuració del xat i del formulari
public-title = { $name }: configuració del xat i del formulari
public-embed = Codi per incrustar
public-embed-chat-help = Posa aquesta etiqueta a cada pàgina del teu lloc que hagi d'oferir el xat.
public-embed-form-help = Posa aquest marc en una pàgina del teu lloc per incrustar el formulari de contacte.
public-origins = Llocs que poden incrustar-lo (un origen per línia)
public-origins-help = Per exemple https://shop.example. L'adreça de Tend sempre està permesa.
public-require-name = Demana el nom del visitant abans del xat
public-require-email = Demana l'adreça electrònica del visitant abans del xat
public-identity = Nou secret d'identitat per als visitants identificats
public-identity-help = El teu lloc signa l'identificador de l'usuari amb HMAC-SHA256 amb aquest secret (data-user-id, data-user-hash). Deixa-ho buit per mantenir el secret actual.
public-identity-set = Hi ha un secret: els visitants identificats es reconeixen i veuen el seu historial.
public-identity-unset = No hi ha cap secret: no s'accepten identitats de visitants.
public-identity-clear = Desactiva la verificació d'identitat
public-hours = Horari d'atenció
public-hours-help = Per dia, hores com 09:00-17:00, separades per comes si n'hi ha diverses. Deixa tots els dies buits per estar sempre obert.
public-timezone = Zona horària (IANA, p. ex. Europe/Madrid)
public-max-wait = Ofereix el correu si l'espera prevista és més llarga de (minuts)

## Admin: mail quarantine
admin-quarantine = Quarantena de correu
admin-quarantine-about = Correu entrant retingut o ignorat: baixeu l'original i torneu-lo a processar.
quarantine-intro = Correu que Tend no ha convertit en una conversa. Baixeu l'original per revisar-lo i després torneu-lo a processar: en tornar-lo a processar no s'aplica el límit per remitent, i tota la resta de comprovacions s'apliquen de nou.
quarantine-tab-quarantined = En quarantena
quarantine-tab-ignored = Ignorat
quarantine-none = No hi ha cap correu.
quarantine-col-received = Rebut
quarantine-col-from = Remitent
quarantine-col-subject = Assumpte
quarantine-col-reason = Motiu
quarantine-col-size = Mida
quarantine-col-state = Original i reprocessament
quarantine-no-subject = (sense assumpte)
quarantine-no-sender = (sense remitent)
quarantine-download = Baixa l'original
quarantine-download-name = Baixa l'original del missatge { $id }
quarantine-retry = Torna a processar
quarantine-retry-name = Torna a processar el missatge { $id }
quarantine-retried-at = Reprocessat el { $when }
quarantine-in-conversation = A la conversa #{ $id }
quarantine-retried-created = Reprocessat: el missatge ha iniciat la conversa #{ $id }.
quarantine-retried-appended = Reprocessat: el missatge s'ha afegit a la conversa #{ $id }.
quarantine-retried-duplicate = Reprocessat: el missatge ja era a la conversa #{ $id }.
quarantine-retried-held = Reprocessat: el missatge continua en quarantena. Motiu: { $value }
quarantine-retried-ignored = Reprocessat: el missatge s'ha ignorat. Motiu: { $value }
quarantine-already-retried = Aquest missatge ja és a la conversa #{ $id }, així que no es pot tornar a processar.
# Reason codes of ignored mail (the mail log stores the code).
mail-reason-delivery_report = Informe de lliurament (rebot)
mail-reason-feedback_report = Informe de queixa o d'abús
mail-reason-dmarc_aggregate_report = Informe agregat DMARC
mail-reason-dmarc_failure_report = Informe d'error DMARC
mail-reason-list_notice = Avís de llista de correu
mail-reason-cloud_notification = Notificació del servei de correu (JSON)
mail-reason-read_receipt = Confirmació de lectura
mail-reason-auto_reply = Resposta automàtica
mail-reason-auto_generated = Correu generat automàticament
mail-reason-bulk_mail = Correu massiu o de llista
mail-reason-own_address_loop = Enviat des de la nostra adreça (protecció contra bucles)
mail-reason-matched = { $value }, sobre un missatge que vam enviar
mail-reason-too-large = El missatge fa { $size } i supera el límit de { $limit }.
mail-reason-not-fetched = El missatge fa { $size } i supera el límit de { $limit }; no s'ha descarregat i es queda a la bústia IMAP.
mail-reason-not-fetched-over = El missatge supera el límit de { $limit }; no s'ha descarregat i es queda a la bústia IMAP.
mail-reason-unreadable = No s'ha pogut llegir el missatge.
mail-reason-no-from = El missatge no té cap adreça de remitent vàlida.
mail-reason-sender-limit = { $sender } ha enviat més de { $count } missatges en 10 minuts (protecció contra bucles).
mail-reason-other = Retingut per un motiu que aquesta versió de Tend no anomena.
quarantine-col-select = Selecciona
quarantine-select-name = Selecciona el missatge { $id }
quarantine-bulk-label = Amb els missatges seleccionats:
quarantine-bulk-retry = Torna a processar els seleccionats
quarantine-bulk-delete = Suprimeix els seleccionats
quarantine-delete = Suprimeix
quarantine-delete-name = Suprimeix el missatge { $id }
quarantine-delete-title = Suprimeix el correu retingut
quarantine-delete-text = { $count ->
    [one] Voleu suprimir aquest missatge i el seu original? No es pot desfer.
   *[other] Voleu suprimir aquests { $count } missatges i els seus originals? No es pot desfer.
}
quarantine-delete-yes = Suprimeix definitivament
quarantine-delete-keep = Conserva'ls
quarantine-deleted = { $count ->
    [one] S'ha suprimit { $count } missatge.
   *[other] S'han suprimit { $count } missatges.
}
quarantine-bulk-retried = { $count ->
    [one] S'ha tornat a processar { $count } missatge.
   *[other] S'han tornat a processar { $count } missatges.
}
quarantine-none-selected = Primer seleccioneu almenys un missatge.
quarantine-cannot-retry = El missatge { $id } no es pot tornar a processar: ja no hi ha l'original o la safata.

## Admin: failed background jobs
admin-jobs = Tasques fallides
admin-jobs-about = Elements que les tasques en segon pla no han pogut fer: consulteu l'error i torneu-los a provar.
jobs-intro = Elements que una tasca en segon pla no ha pogut fer. Un element fallit es torna a provar al cap de 30 segons i després d'1, 2 i 4 minuts; després de cinc errors queda aturat fins que el torneu a provar. Mentrestant, la tasca continua amb la resta d'elements.
jobs-none = No ha fallat res: totes les tasques en segon pla estan al dia.
jobs-col-job = Tasca
jobs-col-item = Element
jobs-col-attempts = Intents
jobs-col-error = Últim error
jobs-col-failed-at = Última fallada
jobs-col-state = Estat
jobs-state-retry-at = Es tornarà a provar el { $when }
jobs-state-parked = Aturat
jobs-first-failed = Primera fallada el { $when }
jobs-retry = Torna-ho a provar
jobs-retry-name = Torna a provar l'element { $id } ({ $value })
jobs-retried = L'element { $id } ({ $value }) torna a estar pendent: la tasca el reprendrà en la propera passada.
jobs-retry-gone = L'element { $id } ({ $value }) ja no és entre els elements fallits; potser s'ha completat mentrestant.
# The background jobs (`jobs::Job`).
job-survey = Enquestes de satisfacció
job-quiet-close = Tancament després del període de calma
job-sla-timer = Temporitzador del nivell de servei
job-outbox = Correu de sortida
job-automation-timer = Regles de temps de l’automatització
job-automation-reply = Respostes automàtiques de les regles
job-channel-outbox = Missatges als URL de l'API de canals


## Webhooks (admin)
admin-webhooks = Webhooks
admin-webhooks-about = Aviseu altres sistemes dels esdeveniments de les converses: subscripcions, registre de lliuraments, nou lliurament.
webhooks-intro = Tend envia (POST) cada esdeveniment dels tipus triats a l'URL, signat amb el secret (Tend-Signature); els esdeveniments d'una conversa arriben en ordre. Un lliurament que no rep una resposta 2xx en 10 segons es torna a provar al cap de 30 segons, després d'1, 2, 4 minuts i així successivament, com a màxim cada hora, fins que arriba.
webhooks-none = Encara no hi ha cap webhook.
webhooks-field-url = URL
webhooks-field-events = Esdeveniments
webhooks-field-secret = Secret (de 16 a 200 caràcters)
webhooks-create = Afegeix un webhook
webhooks-create-help = El secret signa cada lliurament; es desa xifrat i no es torna a mostrar mai.
webhooks-delete = Elimina
webhooks-delete-name = Elimina el webhook cap a { $url }
webhooks-back = Tots els webhooks
webhooks-deliveries-title = Lliuraments a { $url }
webhooks-deliveries-none = Encara no hi ha res per lliurar: només es lliuren els esdeveniments posteriors a la creació del webhook.
webhooks-col-delivery = Lliurament
webhooks-col-event = Esdeveniment
webhooks-col-conversation = Conversa
webhooks-col-state = Estat
webhooks-col-attempts = Intents
webhooks-col-code = Resposta
webhooks-col-error = Darrer error
webhooks-col-when = Quan
webhooks-delivered-at = Lliurat { $when }
webhooks-next-at = Proper intent { $when }
webhooks-redeliver = Torna a lliurar
webhooks-redeliver-name = Torna a lliurar el lliurament { $id }
webhooks-redelivered = El lliurament { $id } torna a ser a la cua.
webhooks-older = Lliuraments anteriors
webhook-state-pending = Pendent
webhook-state-failing = Fallant
webhook-state-delivered = Lliurat

## Reports overview (/reports)
report-dashboard-title = Informes
report-dashboard-intro = Xifres mesurades a partir dels esdeveniments de cada conversa. Cada gràfic té al costat la taula dels seus números, i el seu CSV conté els mateixos números.
report-csat-link = Enquestes de satisfacció en detall
report-dashboard-link = Resum dels informes
report-period = Període
report-last-days = { $count ->
    [one] Últim dia
   *[other] Últims { $count } dies
}
report-custom-period = Les dates indicades
report-bucket = Línies per
report-bucket-day = Dia
report-bucket-week = Setmana
report-breakdown-by = Desglossa
report-breakdown-metric = Mètrica del desglossament
report-business-hours = Només horari laboral
report-dates-help = Per fer servir «Des de» i «Fins a» (ambdues dates incloses), trieu «Les dates indicades» com a període.
report-time-zone = Els dies i les hores són en la vostra zona horària, { $tz }.
report-both-dates = Indiqueu les dues dates o trieu un període.
report-summary = Resum
report-this-period = Aquest període: del { $from } al { $to }.
report-previous-period = Comparat amb el mateix nombre de dies anteriors: del { $from } al { $to }.
report-col-metric = Mètrica
report-col-now = Aquest període
report-col-before = Període anterior
report-col-change = Canvi
report-col-count = Mesures
report-col-value = Valor
report-col-median = Mediana
report-col-p90 = Percentil 90
report-col-weekday = Dia de la setmana
report-csv = Baixa el CSV
report-trends = Tendències
report-per-day = { $metric } per dia
report-per-week = { $metric } per setmana
report-breakdown = Desglossament
report-breakdown-caption = { $metric } per { $name }
report-dimension-agent = agent
report-dimension-team = equip
report-dimension-inbox = safata
report-dimension-channel = canal
report-dimension-language = idioma
report-dimension-tag = etiqueta
report-by-language = Per idioma
report-by-tag = Per etiqueta
report-no-language = Sense idioma
report-no-tag = Sense etiqueta
report-heatmap = Converses noves per dia de la setmana i hora
report-heatmap-intro = Converses noves a cada hora de la setmana durant el període, en la vostra zona horària.
report-no-data = No s'ha mesurat res en aquest període.
report-seconds = { $count } s
report-change-percent = { $value } %
report-change-points = { $value } p.p.
report-metric-first-response-time = Temps de primera resposta
report-metric-next-response-time = Temps de la resposta següent
report-metric-resolution-time = Temps de resolució
report-metric-confirmation-time = Temps fins a la confirmació del client
report-metric-sla-attainment = Nivells de servei complerts
report-metric-csat = CSAT
report-metric-response-rate = Taxa de resposta a les enquestes
report-metric-volume = Converses
report-metric-reopens = Reobertures
report-metric-transfers = Traspassos

# The channel API
inbox-outbound-url = Les respostes s'envien a
inbox-outbound-help = Tend hi envia les respostes del servei, signades amb el secret. Deixeu-ho buit per no enviar-les enlloc.
inbox-secret = Secret de signatura
inbox-secret-set = Hi ha un secret definit. Deixeu el camp buit per mantenir-lo, o escriviu-ne un de nou (16 caràcters o més).
inbox-secret-none = Encara no hi ha secret: els missatges entrants es rebutgen fins que se'n defineixi un (16 caràcters o més).
inbox-secret-off = Elimina el secret
inbox-bot-token = Testimoni del bot
inbox-bot-token-set = Hi ha un testimoni definit. Deixeu el camp buit per mantenir-lo, o enganxeu-ne un de nou de @BotFather.
inbox-bot-token-none = Encara no hi ha testimoni: enganxeu el que @BotFather va donar al bot.
inbox-api-base = Servidor de la Bot API
inbox-mode = Com arriben les actualitzacions
inbox-mode-polling = Consulta llarga (no cal que res arribi a Tend)
inbox-mode-webhook = Webhook (Telegram envia a Tend)
inbox-webhook-auto = En mode webhook, en desar, Tend demana a Telegram que enviï a { $url }.
inbox-webhook-manual = En mode webhook, crideu setWebhook de Telegram amb l'adreça pública de Tend seguida de { $url }, o definiu public_url perquè ho faci Tend.
inbox-webhook-secret = Testimoni secret del webhook
inbox-webhook-secret-set = Hi ha un testimoni secret definit. Deixeu el camp buit per mantenir-lo.
inbox-webhook-secret-none = Encara no hi ha testimoni secret: les crides al webhook es rebutgen fins que se'n defineixi un (lletres, xifres, _ i -).
inbox-failing = L'URL de sortida rebutja les credencials de Tend des de { $when }: { $value }. Quan el receptor estigui arreglat, definiu un secret o un URL nous.
inbox-failing-telegram = La Bot API rebutja aquest bot des de { $when }: { $value }. Corregiu-ho (un testimoni nou de @BotFather, o l'adreça) i deseu.
inbox-telegram-polling = Llegeix les actualitzacions del bot per consulta llarga des de { $url }.
inbox-telegram-webhook = Telegram envia les actualitzacions del bot al webhook d'aquesta safata (Bot API: { $url }).
inbox-telegram-no-token = Encara no hi ha testimoni del bot: definiu-lo a sota.
inbox-failing-whatsapp = L'API Graph rebutja el testimoni d'accés de WhatsApp des de { $when }: { $value }. Definiu un testimoni nou des de Meta Business Manager.
inbox-whatsapp-number = Envia com a número de WhatsApp { $id } a través de { $url }.
inbox-whatsapp-unset = Encara no hi ha identificador del número ni testimoni d'accés: un administrador els defineix per l'API (whatsapp.phone_number_id, whatsapp.access_token).

# Event kinds by name (the webhooks page)
event-kind-created = Conversa creada
event-kind-message-added = Missatge afegit
event-kind-note-added = Nota interna afegida
event-kind-assigned = Canvi de responsable
event-kind-transferred = Transferida
event-kind-queued = A la cua d'assignació
event-kind-status-changed = Canvi d'estat
event-kind-priority-changed = Canvi de prioritat
event-kind-tags-changed = Canvi d'etiquetes
event-kind-team-changed = Canvi d'equip
event-kind-inbox-changed = Canvi de safata
event-kind-customer-changed = Canvi de client
event-kind-language-changed = Canvi d'idioma
event-kind-join-refused = Resposta refusada (conversa tancada)
event-kind-delivery-failed = Error de lliurament
event-kind-mail-held = Correu retingut
event-kind-survey-sent = Enquesta enviada
event-kind-survey-skipped = Enquesta no enviada
event-kind-survey-answered = Enquesta resposta
event-kind-follow-up-created = Seguiment creat
event-kind-follow-up-done = Seguiment fet
event-kind-sla-applied = Nivell de servei aplicat
event-kind-sla-warning = Avís de nivell de servei
event-kind-sla-breached = Nivell de servei incomplert
event-kind-sla-fulfilled = Nivell de servei complert
event-kind-automation-fired = Regla d'automatització executada
event-kind-automation-stopped = Regla d'automatització aturada
event-kind-remedy-recorded = Compensació registrada
event-kind-remedy-decided = Compensació decidida
event-kind-problem-linked = Enllaçada a un problema
event-kind-problem-unlinked = Desenllaçada d'un problema
event-kind-snoozed = Posposada
event-kind-unsnoozed = Fi del posposament
event-kind-merged-into = Fusionada en una altra conversa
event-kind-merged-from = Una altra conversa s'hi ha fusionat
event-kind-split-to = Missatge separat
event-kind-split-from = Separada d'una altra conversa
event-kind-linked = Conversa relacionada enllaçada
event-kind-unlinked = Conversa relacionada desenllaçada
event-kind-side-conversation-started = Conversa lateral iniciada
event-kind-side-message-sent = Missatge de conversa lateral enviat
event-kind-side-reply-received = Resposta de conversa lateral rebuda
event-kind-reply-undone = Resposta retirada (desfés l'enviament)
event-kind-call-answered = Trucada atesa
event-kind-call-missed = Trucada perduda
event-kind-call-ended = Trucada acabada
