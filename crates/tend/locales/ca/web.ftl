# Espai de treball dels agents de Tend — català. Ha de tenir totes les claus d'en/web.ftl.

## Marc i navegació
skip-to-content = Salta al contingut
nav-label = Principal
nav-menu = Menú
message-actions = Accions del missatge
nav-inbox = Safata
nav-customers = Clients
nav-admin = Administració
nav-inboxes = Safates
nav-teams = Equips
search-label = Cerca converses
search-placeholder = Cerca (premeu /)
sign-out = Surt
back-home = Torna a la safata
close = Tanca
save = Desa
apply = Aplica

## Ajuda del teclat
help-title = Dreceres de teclat
key-move = Conversa següent / anterior
key-open = Obre la conversa
key-reply = Respon
key-note = Nota interna
key-assign = Assigna
key-status = Canvia l'estat
key-search = Cerca
key-macros = Macros (en una resposta buida)
key-help = Aquesta ajuda

## Inici de sessió, configuració, compte
sign-in-title = Inicieu la sessió a Tend
sign-in = Inicia la sessió
sign-in-failed = Aquest correu i aquesta contrasenya no corresponen a cap compte actiu.
sign-in-rate-limited = Massa intents fallits. Espereu 15 minuts i torneu-ho a provar.
field-email = Correu electrònic
field-password = Contrasenya
field-name = Nom
field-new-password = Contrasenya nova (almenys 8 caràcters)
field-repeat-password = Repetiu la contrasenya nova
field-current-password = Contrasenya actual
field-language = Idioma
field-timezone = Fus horari
field-organization = Organització
field-local-time = Hora local
field-first-seen = Primer contacte
field-contacts = Contactes
field-team = Equip
field-tags = Etiquetes
setup-title = Creeu el primer administrador
setup-intro = Aquesta pàgina d'un sol ús configura Tend. El compte que creeu aquí podrà convidar tothom.
setup-submit = Crea l'administrador
invite-title = Trieu la contrasenya
invite-intro = Benvingut/da, { $name }. Trieu una contrasenya per començar a treballar amb Tend.
invite-submit = Desa i inicia la sessió
link-gone-title = Aquest enllaç ja no funciona
link-gone = Ja s'ha fet servir o ha caducat. Demaneu-ne un de nou a un administrador.
password-mismatch = Les dues contrasenyes no coincideixen.
password-current-wrong = La contrasenya actual no és correcta.
password-changed = S'ha canviat la contrasenya. S'han tancat les vostres altres sessions.
account-title = El vostre compte
account-preferences = Preferències
account-password = Contrasenya
account-change-password = Canvia la contrasenya
language-browser = Segueix el navegador
timezone-help = Un fus horari IANA, com ara Asia/Tokyo o Europe/Madrid. Les dates s'hi mostren.
timezone-unknown = «{ $tz }» no és un fus horari que Tend conegui.

## Safata
views-label = Vistes
view-mine = Meves
view-unassigned = Sense assignar
view-open = Totes les obertes
view-breaching-soon = A punt de vèncer
view-pending = Pendents
view-solved = Resoltes
filter-status = Estat
filter-priority = Prioritat
filter-channel = Canal
filter-tag = Etiqueta
filter-language = Idioma
filter-any = Qualsevol
filter-apply = Filtra
bulk-label = Canvia les converses seleccionades
bulk-assign = Assigna a
bulk-status = Estableix l'estat
bulk-tag = Afegeix una etiqueta
bulk-partial = { $count ->
    [one] S'ha canviat una conversa; les altres no s'han pogut canviar:
   *[other] S'han canviat { $count } converses; les altres no s'han pogut canviar:
}
assign-me = A mi
assign-nobody = A ningú
select-all = Selecciona-ho tot
select-conversation = Selecciona la conversa #{ $id }
col-customer = Client
col-subject = Assumpte
col-status = Estat
col-priority = Prioritat
col-assignee = Responsable
col-waiting = Espera
col-due = Venciment
inbox-empty = No hi ha res. Bona feina!
new-activity = Activitat nova — actualitza
pager-label = Pàgines
pager-prev = Anterior
pager-next = Següent
conversations-count = { $count ->
    [one] { $count } conversa
   *[other] { $count } converses
}
duration-minutes = { $count } min
duration-hours-minutes = { $hours } h { $minutes } min
duration-days-hours = { $days } d { $hours } h

## Estats, prioritats, canals
status-new = Nova
status-open = Oberta
status-pending = Pendent
status-solved = Resolta
status-closed = Tancada
priority-low = Baixa
priority-normal = Normal
priority-high = Alta
priority-urgent = Urgent
channel-email = Correu electrònic
channel-chat = Xat
channel-web = Formulari web
channel-api = API
channel-telegram = Telegram
channel-whatsapp = WhatsApp
channel-phone = Telèfon
channel-portal = Portal

## Conversa
author-system = Tend
internal-note = Nota interna
message-from = Missatge de { $name }
show-images = Mostra les imatges
show-quoted = Mostra el text citat
download-original = Baixa el correu original (.eml)
cc = A/c
delivery-queued = A la cua
delivery-sent = Enviat
delivery-delivered = Lliurat
delivery-read = Llegit
delivery-failed = No lliurat
delivery-held = Retingut (límit de correu automàtic)
controls = Detalls
transfer-reason = Motiu del traspàs
transfer-category = Motiu
transfer-words = Amb les vostres paraules
transfer-help = Per passar una conversa a un altre responsable cal un motiu.
transfer-needs-reason = Per passar una conversa a un altre responsable cal un motiu: trieu-ne un i expliqueu-lo amb les vostres paraules.
reason-skill = Cal un altre coneixement
reason-language = Idioma
reason-workload = Càrrega de feina
reason-escalation = Escalat
reason-shift = Final del torn
reason-other = Altres
tags-help = Separeu les etiquetes amb comes.
previous-conversations = Converses anteriors
composer-kind = Tipus de missatge
compose-reply = Respon al client
compose-note = Nota interna
compose-text = Missatge
compose-attach = Adjunta fitxers
send = Envia
send-anyway = Envia igualment
new-customer-message = El client ha tornat a escriure mentre escrivíeu. Llegiu el missatge nou abans d'enviar.
viewer-viewing = { $name } ho està mirant
viewer-replying = { $name } està responent
event-created = ha creat aquesta conversa ({ $channel })
event-assigned = l'ha assignat a { $to }
event-transferred = l'ha passat de { $from } a { $to }
event-status = ha canviat l'estat a { $to }
event-priority = ha canviat la prioritat a { $to }
event-tags = ha canviat les etiquetes a { $tags }
event-team = ha canviat l'equip a { $to }
event-customer = l'ha mogut a un altre client
event-language = ha canviat l'idioma a { $to }
event-mail-held = ha retingut un correu automàtic ({ $value }): la safata ha arribat al límit per hora
mail-kind-reply = resposta
mail-kind-ack = confirmació de recepció
mail-kind-survey = enquesta
mail-kind-transcript = transcripció del xat
mail-kind-portal-link = enllaç d'accés al portal
mail-kind-digest = resum setmanal del radar
auth-title = Autenticació del remitent, comprovada quan va arribar el correu
auth-pass = correcta
auth-fail = fallida
auth-softfail = fallida lleu
auth-neutral = neutra
auth-none = cap
auth-temperror = error temporal
auth-permerror = error permanent
auth-unavailable = no comprovada
auth-forged = Aquest correu no ha superat DMARC: l'adreça del remitent pot ser falsificada. No s'ha afegit a cap conversa existent.
event-join-refused = no ha afegit aquest correu a la conversa #{ $id } i ha obert aquesta conversa per a ell
event-join-refused-elsewhere = no ha afegit aquest correu a una altra conversa i ha obert aquesta conversa per a ell
event-queued = l'ha posada a la cua de l'equip: no hi havia ningú disponible
event-delivery-failed = no ha pogut lliurar una resposta
event-survey-sent-email = ha enviat l'enquesta de satisfacció per correu
event-survey-sent-message = ha enviat l'enquesta de satisfacció com a missatge pel canal
event-survey-sent-chat = ha preguntat per la satisfacció al xat
event-survey-skipped = no ha enviat l'enquesta de satisfacció: { $value }
survey-skip-no-channel = aquest canal no pot portar una enquesta
survey-skip-no-address = no hi ha cap adreça on escriure
survey-skip-auto-address = l'adreça és automàtica
survey-skip-period-limit = al client se li va preguntar fa poc
survey-skip-no-sender = la safata no té cap adreça des d'on enviar
survey-skip-window-closed = la finestra de resposta del canal s'havia tancat i la safata no té plantilla d'enquesta
event-survey-answered = ha respost l'enquesta: { $value }
survey-answer-yes = resolt
survey-answer-no = encara necessita ajuda
event-follow-up-created = ha obert una tasca de seguiment per a { $to }
event-follow-up-done = ha completat la tasca de seguiment
event-inbox-changed = l'ha mogut a la safata { $to }
sla-metric-first-response = primera resposta
sla-metric-next-response = resposta següent
sla-metric-resolution = resolució
event-sla-applied = ha fixat un objectiu de { $metric }
event-sla-warning = ha avisat: l'objectiu de { $metric } és a prop
event-sla-breached = ha superat l'objectiu de { $metric }
event-sla-fulfilled = ha complert l'objectiu de { $metric }
event-automation-fired = ha actuat (regla d'automatització)
event-automation-stopped = regles aturades en un bucle: { $value }
event-remedy = compensació: { $value }
remedy-state-granted = concedida
remedy-state-awaiting-approval = pendent d’aprovació
remedy-state-approved = aprovada
remedy-state-declined = rebutjada
show-earlier = Mostra els missatges anteriors
join-reason-not-participant = el remitent no és el client d'aquella conversa ni hi era en còpia (CC)
join-reason-dmarc-fail = el correu no ha superat DMARC per al domini del remitent, així que el remitent no està provat
join-reason-not-in-inbox = l'assumpte esmenta un número de conversa que no és d'aquesta safata

## Errors
error-not-found-title = No s'ha trobat
error-not-found = Aquí no hi ha res, o no ho podeu veure.
error-forbidden-title = No permès
error-forbidden = El vostre rol no ho permet.
error-csrf = Aquest formulari ve d'un altre lloc o ha caducat. Torneu a carregar la pàgina i proveu-ho de nou.
error-invalid-title = No ha funcionat
error-rate-limited-title = Més a poc a poc
error-rate-limited = Massa sol·licituds. Espereu un moment i torneu-ho a provar.
error-too-large-title = Massa gran
error-too-large = El que heu enviat és més gran del que accepta aquesta pàgina. Escurceu-ho o envieu els fitxers com a adjunts d'una resposta.
error-internal-title = Alguna cosa ha anat malament
error-internal = Tend no ho ha pogut acabar. Els detalls són al registre del servidor.

## Disponibilitat per a l'assignació (capçalera), històries d'èxit, perfils dels agents
nav-stories = Històries
nav-reports = Informes
presence-label = La vostra disponibilitat per a converses noves
presence-set = Estableix
presence-online = En línia
presence-away = Absent
presence-offline = Fora de línia
presence-now = Disponibilitat: { $to }
stories-title = Històries d'èxit
stories-intro = El que van dir els clients en confirmar que el seu problema estava resolt: valoracions de 4 o 5 estrelles amb un comentari, atribuïdes als agents que van respondre.
stories-none = Encara no hi ha cap història.
stories-older = Històries anteriors
stories-newest = Històries més recents
story-rating = Valoració: { $count } de 5
story-credited = Mèrit de:
story-customer-unnamed = Un client
agent-kind-words = Paraules amables
people-achieved = Darrers 30 dies, al costat dels seus equips
people-team-achieved = Què ha aconseguit l'equip
people-figure = Indicador
people-solved = Converses resoltes
people-this-agent = Aquest agent
people-whole-desk = Tot el servei
people-last-days = { $count ->
    [one] Darrer dia
   *[other] Darrers { $count } dies
}
people-days-before = { $count ->
    [one] El dia anterior
   *[other] Els { $count } dies anteriors
}
people-change = Canvi
people-members = Membres
agent-own-settings = Canvieu la vostra configuració
account-profile = El vostre perfil i les paraules amables

# Service levels
span-under-a-minute = menys d'un minut
span-minutes = { $count ->
    [one] { $count } minut
   *[other] { $count } minuts
}
span-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } hores
}
span-days = { $count ->
    [one] { $count } dia
   *[other] { $count } dies
}
sla-due-in = { $metric }: venç d'aquí a { $when }
sla-overdue = { $metric }: vençuda fa { $when }
sla-due-at = { $metric }: venç el { $when }
sla-paused = En pausa
sla-breached-paused = { $metric }: vençuda, en pausa
sla-alert-warning = #{ $id } { $subject }: el termini de { $metric } és a prop
sla-alert-breached = #{ $id } { $subject }: el termini de { $metric } ha vençut
sla-alert-close = Tanca
sla-panel-title = Nivells de servei
sla-policy = Política
sla-why = S'aplica perquè
sla-counts = Compta
sla-counts-business = l'horari laboral de { $name } ({ $tz })
sla-counts-wall = cada minut, dia i nit
sla-why-inbox = safata { $name }
sla-why-channel = canal { $name }
sla-why-priority = prioritat { $name }
sla-why-tags = etiqueta { $name }
sla-why-all = s'aplica a totes les converses
sla-no-policy = ara no se n'aplica cap
sla-state-running = en marxa
sla-state-paused = en pausa
sla-state-fulfilled = complert
sla-state-cancelled = aturat
sla-state-breached = incomplert
sla-target = Objectiu
sla-due = Venç
sla-used = Consumit
sla-paused-period = En pausa
nav-monitor = Sense resposta
monitor-title = Clients sense resposta
monitor-intro = Clients que esperen més de { $when } sense cap resposta pública, per canal i safata.
monitor-none = Tots els clients tenen resposta, o esperen menys del llindar.
monitor-col-inbox = Safata
monitor-col-count = Esperant
monitor-col-longest = Espera més llarga
monitor-col-online = Qui pot respondre
monitor-online = { $count ->
    [one] { $count } agent connectat
   *[other] { $count } agents connectats
}
monitor-nobody-online = No hi ha ningú connectat

# Macros: the page and the composer's picker
nav-macros = Macros
macros-title = Macros
macros-about = Respostes que doneu sovint, amb els canvis que les acompanyen. Feu-les servir des del compositor: escriviu / en una resposta buida o premeu el botó «Macros».
macros-none = Encara no hi ha macros.
macros-back = ← Totes les macros
macro-new = Macro nova
macro-name = Nom
macro-scope = Qui l'usa
macro-text = Text
macro-actions = Canvis
macro-used = Usos
macro-edit = Edita
macro-remove = Elimina
macro-remove-named = Elimina { $name }
macro-team = Equip
macro-team-help = Macros d'equip: les fan servir els membres de l'equip.
macro-text-help = Els marcadors s'omplen per a cada conversa, p. ex.
macro-variables = Marcadors i filtres
macro-filters = Filtres
macro-translations = Traduccions
macro-translations-help = La llengua del client en tria una; si cap no hi escau, s'usa el text de dalt.
macro-other-language = Una altra llengua (etiqueta)
macro-no-change = Sense canvis
macro-add-tags = Afegeix etiquetes
macro-remove-tags = Treu etiquetes
macro-assign-team = Passa a un equip
macro-assign-agent = Passa a un agent
macro-scope-personal = Només jo
macro-scope-team = El meu equip
macro-scope-global = Tothom
macro-change-status = Estat: { $value }
macro-change-priority = Prioritat: { $value }
macro-change-add-tags = Afegeix etiquetes: { $value }
macro-change-remove-tags = Treu etiquetes: { $value }
macro-change-team = Equip: { $value }
macro-change-agent = Responsable: { $value }
macro-picker-open = Macros (/)
macro-picker-none = Cap macro coincideix.
macro-picker-applied = Macro aplicada; editeu el text i envieu-lo.
macro-picker-no-changes = La conversa no canvia.
macro-picker-search = Cerca una macro
macro-picker-help = Escriviu per filtrar, ↑ ↓ per triar, Retorn per previsualitzar, Esc per tancar.
macro-picker-preview = Previsualització per a aquesta conversa:
macro-picker-insert = Insereix i aplica
macro-picker-cancel = Cancel·la
# La base de coneixement a la feina: cerca d'articles al redactor, esborranys, informes.
nav-kb = Articles d'ajuda
kb-picker-open = Articles
kb-picker-search = Cerca articles d'ajuda
kb-picker-help = Articles publicats en la llengua del client; la resposta no s'envia.
kb-picker-none = Cap article no coincideix.
kb-picker-other-language = encara no traduït
kb-picker-insert-link = Insereix l'enllaç
kb-picker-insert-text = Insereix el text
kb-draft-action = Converteix en un esborrany d'article
kb-draft-help = La pregunta i la vostra resposta es converteixen en un esborrany en la llengua del client; el publica un supervisor.
kb-draft-made = S'ha creat l'esborrany d'article #{ $id } a partir d'aquesta conversa.
kb-draft-no-answer = Aquesta conversa encara no té cap resposta pública d'un agent a la pregunta d'un client.
kb-unhelpful-title = Articles poc útils
kb-unhelpful-intro = Articles als quals els clients han respost «No» a «Us ha ajudat?», primer els que tenen més «No».
kb-unhelpful-none = Cap client no ha trobat encara un article poc útil.
kb-col-article = Article
kb-col-unhelpful = No
kb-col-helpful = Sí
deflection-title = Respostes abans de preguntar
deflection-intro = Articles suggerits al formulari de contacte i al xat mentre els clients escrivien: quantes vegades s'ha mostrat i obert cadascun, i si el client igualment ha enviat el missatge.
deflection-by-article = Per article
deflection-by-inbox = Per bústia
deflection-col-shown = Mostrats
deflection-col-opened = Oberts
deflection-col-sent = Enviats igualment
deflection-col-deflected = Resolts sols
deflection-col-rate = Taxa de resolució autònoma
deflection-total = Totes les bústies
deflection-rule = Resolt sol: el client ha obert un article suggerit i no ha enviat cap missatge. Taxa: resolts sols sobre mostrats.

# Remedies within limits (issue 23)
nav-remedies = Compensacions
remedies-title = Compensacions
remedies-waiting = Pendents d’aprovació
remedies-none-waiting = No hi ha res pendent d’aprovació.
remedies-recent = Decidides i concedides fa poc
remedies-month = Aquest mes per agent: què s'ha donat i com ha anat
remedies-month-none = Aquest mes no s'ha donat res.
remedies-given = Donat
remedies-count = Remeis
remedies-reopen-rate = Reobertures per conversa
remedy-new = Concedir una compensació
remedy-kind = Tipus
remedy-amount = Import
remedy-currency = Moneda
remedy-note = Què rep el client
remedy-help = Dins dels vostres límits es concedeix de seguida; per sobre, decideix un supervisor.
remedy-record = Registrar la compensació
remedy-approve = Aprovar
remedy-decline = Rebutjar
remedy-decision-note = Nota per a l’agent
remedy-by = Demanada per
remedy-decided-by = Decidida per
remedy-decided-already = Algú ja ha decidit aquesta compensació.
remedy-error-amount = Indiqueu l’import amb un número, com ara 12.50.
remedy-error-currency = Indiqueu la moneda amb un codi de tres lletres, com ara EUR.
remedy-error-note = Digueu què rep el client.
remedy-error-kind = Trieu un tipus de compensació.
remedy-error-user = Les compensacions les registra un agent.
remedy-due = cal decidir abans de { $when }
remedy-overdue = endarrerida

## Customer health and the radar
nav-radar = Radar
radar-title = Clients en risc
radar-intro = Clients amb una puntuació de salut baixa, primer el risc més alt. La puntuació comença a 100; cada motiu en resta el seu pes.
radar-none = Ara mateix cap client no és en risc.
radar-score = Puntuació de salut (0–100)
radar-since = En risc des del { $when }
radar-organization = Organització
radar-inbox = Safata
radar-language = Idioma
radar-any = Qualsevol
radar-filter = Filtra
radar-more = Més clients
radar-outreach = Contacta
radar-owner = Responsable
radar-subject = Assumpte
radar-message = Missatge
radar-template-hint = Els marcadors com { "{{ customer.first_name }}" } i { "{{ agent.name }}" } s'omplen en enviar-lo.
radar-start = Inicia la conversa
radar-started = S'ha iniciat el contacte: obre la conversa
radar-pick-owner = Trieu l'agent responsable de la conversa.
radar-outreach-summary = Contactes dels últims 90 dies
radar-outreach-total = Iniciats
radar-outreach-default-subject = Com va tot?
radar-outreach-default-text = Hola, { "{{ customer.first_name }}" }:

    Hem vist que les vostres últimes consultes no van anar tan bé com calia i ens agradaria arreglar-ho. Us podem ajudar en alguna cosa?

    { "{{ agent.name }}" }
outcome-pending = Esperant resposta
outcome-answered = Ha respost
outcome-satisfied = Satisfet
outcome-left = Se n'ha anat
signal-unhappy-answer = { $count ->
    [one] Una resposta d'enquesta descontenta
   *[other] { $count } respostes d'enquesta descontentes
}
signal-unanswered-surveys = { $count } enquestes sense resposta
signal-reopens = { $count ->
    [one] Una conversa reoberta
   *[other] { $count } reobertures
}
signal-sla-breaches = { $count ->
    [one] Un nivell de servei incomplert
   *[other] { $count } nivells de servei incomplerts
}
signal-long-waits = { $count ->
    [one] Una espera de més d'un dia
   *[other] { $count } esperes de més d'un dia
}
signal-repeat-contacts = Ha tornat a escriure pel mateix problema ({ $count })
signal-went-quiet = Ha deixat d'escriure després d'un problema ({ $count } dies sense contacte)
signal-negative-words = { $count ->
    [one] Un missatge amb paraules de descontentament
   *[other] { $count } missatges amb paraules de descontentament
}
signal-no-positive-contact = Cap contacte positiu en { $count } dies
health-title = Salut
digest-subject = { $count ->
    [one] Radar: un client nou en risc
   *[other] Radar: { $count } clients nous en risc
}
digest-intro = Hola, { $name }: aquests clients han entrat al radar aquesta setmana (primer la salut més baixa):
digest-line = { $customer }: salut { $score }. { $reasons }
digest-more = El radar: { $url }
remedy-kind-refund = Reemborsament
remedy-kind-credit = Crèdit
remedy-kind-discount = Descompte
remedy-kind-replacement = Substitució
remedy-kind-goodwill = Gest de bona voluntat

## Problems (issue 23)
nav-problems = Problemes
problems-title = Problemes
event-problem-linked = enllaçada al problema: { $value }
event-problem-unlinked = desenllaçada del problema: { $value }
problem-status-investigating = en investigació
problem-status-known = conegut
problem-status-fixed = resolt
problem-filter-all = Tots
problem-none = Encara no hi ha problemes.
problem-new = Problema nou
problem-create = Obre el problema
problem-edit = Edita
problem-title-field = Títol
problem-description = Descripció
problem-workaround = Solució provisional
problem-owner = Responsable
problem-linked = Converses enllaçades
problem-fixed-at = Resolt
problem-fix = Marca com a resolt
problem-fix-help = Cada client enllaçat amb la conversa encara oberta rep aquest missatge una vegada, en la seva llengua (si no, el primer text donat), pel seu canal; després la conversa es resol i segueix l'enquesta.
problem-fix-text = Missatge ({ $value })
problem-fix-sent = Missatge enviat en resoldre'l
problem-notified = avisat { $when }
problem-link = Enllaça
problem-unlink = Desenllaça
problem-link-other = Enllaça a un problema
problem-panel = Problema
problem-proposals = Problemes probables
problem-similar = Converses recents semblants
problem-suggestion = Problema conegut: { $value }
problem-suggestion-help = Resposta suggerida (la solució provisional); no s'envia res si no l'envieu vosaltres.
problem-trending = Tendències: converses noves semblants, últimes 24 hores
problem-trending-none = No hi ha cap tendència.
problem-trending-count = { $count ->
    [one] { $count } conversa
   *[other] { $count } converses
}
problem-credit = ha resolt la causa de { $count ->
    [one] { $count } conversa
   *[other] { $count } converses
}

## Merging, splitting and linking conversations (issue 25)
event-merged-into = ha fusionat aquesta conversa amb una altra; ara els missatges hi són
event-merged-from = { $count ->
    [one] ha fusionat una altra conversa amb aquesta ({ $count } missatge mogut)
   *[other] ha fusionat una altra conversa amb aquesta ({ $count } missatges moguts)
}
event-split-to = ha separat un missatge en una conversa nova
event-split-from = ha obert aquesta conversa amb un missatge separat d'una altra
event-linked = ha enllaçat una conversa relacionada
event-unlinked = ha tret l'enllaç a una conversa relacionada
merge-title = Fusió
merge-into = Fusiona amb la conversa
merge-none = Aquest client no té cap altra conversa oberta en aquesta bústia
merge-help = Els missatges, les notes i els fitxers s'hi mouen; aquesta conversa es tanca i el seu número hi porta.
merge-submit = Fusiona amb la conversa triada
links-title = Converses enllaçades
links-none = Encara no hi ha cap conversa enllaçada.
link-number = Enllaça una conversa (el seu número)
link-add = Enllaça
link-remove = Treu l'enllaç
split-submit = Separa en una conversa nova
split-refused = Només es pot separar un missatge del client o una resposta, i no l'únic missatge d'una conversa.
refusal-itself = Una conversa no es pot fusionar ni enllaçar amb ella mateixa.
refusal-unknown = No hi ha cap conversa amb aquest número que pugueu veure; escriviu-ne el número.
refusal-other-customer = Aquesta conversa és d'un altre client; només es poden fusionar converses del mateix client (enllaceu-les, si voleu).
refusal-other-inbox = Aquesta conversa és en una altra bústia; primer moveu-ne una.
refusal-target-closed = Aquesta conversa està tancada; fusioneu-la amb una d'oberta.
refusal-target-merged = Aquesta conversa ja s'ha fusionat amb una altra; fusioneu amb aquella.

## El quadre de redacció (issue 25, punt 7)
event-reply-undone = ha retirat una resposta abans que s'enviés
event-call-answered-in = ha respost una trucada del { $value }
event-call-answered-out = ha trucat al { $value } i li han respost
event-call-missed = ha trucat des del { $value } i ningú no ha respost; cal tornar la trucada
event-call-ended = la trucada ha acabat després de { $value }
composer-sent = Enviat
composer-undo = Desfés
composer-undone = No s'ha enviat: la resposta torna a ser al quadre de text.
format-toolbar = Format
format-bold = Negreta
format-italic = Cursiva
format-bullets = Llista de pics
format-numbers = Llista numerada
format-link = Enllaç
format-image = Insereix una imatge
format-help = **negreta**, *cursiva*, llistes amb «- » i «1. », enllaços com [paraules](https://…); enganxeu o deixeu anar una imatge per mostrar-la al text.
composer-image-type = Només es poden mostrar al text imatges PNG, JPEG, GIF i WebP. Adjunteu els altres fitxers amb «Adjunta fitxers».
composer-image-size = Aquesta imatge supera el límit de pujada. Feu-la més petita o adjunteu-ne una de més petita.
composer-too-late = Massa tard per desfer-ho: la resposta ja ha sortit.
send-and-solve = Envia i resol
composer-draft-saved = S'ha desat l'esborrany
composer-pictures = Imatges d'aquesta resposta
composer-chat-help = Retorn envia; Maj+Retorn comença una línia nova.
signatures-title = Signatures
signatures-link = Signatures
signatures-help = Les vostres respostes per correu acaben amb la signatura en la llengua del client o, si no n'hi ha, amb la de qualsevol llengua. Després ve la signatura de la safata.
signatures-saved = S'han desat les signatures.
signatures-any = Qualsevol llengua (quan no n'hi ha cap en la llengua del client)
signatures-inbox-title = Signatures de la safata: { $name }

# The reply window (WhatsApp) on a conversation page
reply-window-open = La finestra de resposta de { $channel } és oberta fins a { $until }: després només es poden enviar plantilles aprovades fins que el client torni a escriure.
reply-window-closed = La finestra de resposta de { $channel } es va tancar a { $until } (el client va escriure per última vegada fa més de 24 hores): només es pot enviar una plantilla aprovada fins que torni a escriure.
reply-window-templates = Envia una plantilla aprovada
reply-window-parameter = Paràmetre { $n }
reply-window-send = Envia la plantilla
reply-window-no-templates = Aquesta safata encara no té plantilles aprovades: un administrador les registra (whatsapp.templates).
