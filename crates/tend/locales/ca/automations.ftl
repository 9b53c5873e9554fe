# Tend espai de treball — regles d'automatització: les pàgines
# d'administració i la secció «Automatitzacions» de la conversa (català).

## La llista
auto-about = Regles que actuen soles sobre les converses: en esdeveniments o passat un temps.
admin-automations = Automatitzacions
auto-intro = Les regles actuen soles sobre les converses, de dalt a baix d'aquesta llista. Una regla nova comença desactivada: proveu-la en sec i després activeu-la.
auto-none = Encara no hi ha cap regla.
auto-new = Regla nova
auto-col-order = Ordre
auto-col-when = Quan
auto-col-state = Estat
auto-col-parts = Condicions i accions
auto-parts = Condicions: { $count } · accions: { $value }
auto-on = Activa
auto-off = Desactivada
auto-move-up = Amunt
auto-move-down = Avall
auto-enable = Activa-la
auto-disable = Desactiva-la
auto-enable-named = Activa «{ $name }»
auto-disable-named = Desactiva «{ $name }»
auto-edit = Edita
auto-edit-named = Edita «{ $name }»
auto-delete = Suprimeix
auto-delete-named = Suprimeix «{ $name }»
auto-delete-title = Voleu suprimir la regla «{ $name }»?
auto-delete-text = El que va fer es queda a la cronologia de les converses. No es pot desfer.
auto-delete-keep = Conserva-la
auto-when-after = { $value } després de { $name }
auto-when-business = { $value }, comptant l'horari del calendari «{ $name }»

## El formulari
auto-new-title = Regla nova
auto-edit-title = Regla: { $name }
auto-back = Totes les regles
auto-when-kind-event = Quan passa alguna cosa
auto-when-kind-after = Uns minuts després d'un moment
auto-event = Esdeveniment
auto-minutes = Minuts
auto-since = Després de
auto-calendar = Calendari
auto-calendar-none = Compta tots els minuts (sense calendari)
auto-conditions = Condicions
auto-conditions-help = Sense condicions, la regla actua sempre. S'han de complir totes les condicions de «totes» i, si n'hi ha, una de «qualsevol». Per a «és un de» escriviu els valors separats per comes; la safata, l'equip i el responsable es donen per identificador; deixeu el valor buit per a «cap».
auto-no-conditions = Sense condicions: la regla actua sempre.
auto-condition-n = Condició { $id }
auto-group = Grup
auto-group-all = Totes s'han de complir
auto-group-any = N'hi ha prou amb una
auto-cond-field = Camp
auto-cond-op = Comparació
auto-cond-value = Valor
auto-choose = — trieu —
auto-add-condition = Afegeix una condició
auto-remove-condition = Treu la condició { $id }
auto-actions = Accions
auto-actions-help = El que fa la regla, en aquest ordre.
auto-action-n = Acció { $id }
auto-action-type = Acció
auto-add-action = Afegeix una acció
auto-remove-action = Treu l'acció { $id }
auto-value-status = Estat nou
auto-value-priority = Prioritat nova
auto-value-tags = Etiquetes, separades per comes
auto-value-team = Equip
auto-value-agent = Agent de suport
auto-value-text = Text de la resposta
auto-value-url = Adreça (http:// o https://)
auto-value-secret = Secret de signatura (opcional)
auto-trace = Desa les avaluacions que no la van activar
auto-trace-help = Es mostren a la pàgina de la conversa, a «Automatitzacions», per respondre «per què no ha actuat la meva regla?».
auto-error-number = Escriviu un nombre enter.
auto-saved-off = S'ha desat. La regla està desactivada: proveu-la en sec i després activeu-la.

## Prova en sec i activació
auto-state-on = Aquesta regla està activa.
auto-state-off = Aquesta regla està desactivada. Una prova en sec mostra què tocaria abans d'activar-la.
auto-dry-run = Prova en sec
auto-dry-days = Dies enrere
auto-dry-help = Quines converses canviades en aquests dies compleixen ara les condicions de la regla. No canvia res.
auto-dry-title = { $count ->
    [one] Prova en sec d'{ $count } dia
   *[other] Prova en sec de { $count } dies
}
auto-dry-matched = Coincidirien
auto-dry-examined = Examinades
auto-dry-sample = Algunes d'elles
auto-dry-none = Cap no coincidiria.

## La pàgina de la conversa
auto-panel-title = Automatitzacions
auto-panel-show = Per què una regla ha actuat o no?
auto-panel-none = No hi ha cap regla.
auto-holds = Ara les seves condicions es compleixen.
auto-holds-not = Ara les seves condicions no es compleixen.
auto-held = es compleix
auto-not-held = no es compleix
auto-always = Sense condicions.
auto-traces = Avaluacions que no la van activar
auto-traces-none = No n'hi ha cap de desada (només les desen les regles configurades per fer-ho).

## Esdeveniments en què actua una regla
auto-event-conversation-created = Es crea una conversa
auto-event-message-added = S'afegeix un missatge
auto-event-status-changed = Canvia l'estat
auto-event-priority-changed = Canvia la prioritat
auto-event-tags-changed = Canvien les etiquetes
auto-event-assigned = Canvia el responsable
auto-event-sla-warning = Avís de nivell de servei
auto-event-sla-breached = S'incompleix un nivell de servei
auto-event-survey-answered = El client respon una enquesta

## Moments des dels quals compta una regla de temps
auto-since-created = la creació
auto-since-status-changed = l'últim canvi d'estat
auto-since-last-customer-message = l'últim missatge del client
auto-since-last-agent-message = l'últim missatge públic del servei

## Què mira una condició
auto-field-status = Estat
auto-field-priority = Prioritat
auto-field-channel = Canal
auto-field-inbox-id = Safata (identificador)
auto-field-team-id = Equip (identificador)
auto-field-assignee-id = Responsable (identificador d'usuari)
auto-field-tags = Etiquetes
auto-field-language = Idioma
auto-field-subject = Assumpte
auto-field-text = Text del missatge
auto-field-message-from = Qui va escriure el missatge
auto-field-customer-email = Correu del client
auto-field-customer-name = Nom del client
auto-field-sla-breached = Nivells de servei incomplerts
auto-field-hours-since-created = Hores des de la creació

## Com compara una condició
auto-op-is = és
auto-op-is-not = no és
auto-op-in = és un de
auto-op-not-in = no és cap de
auto-op-contains = conté
auto-op-not-contains = no conté
auto-op-gt = és més que
auto-op-lt = és menys que

## Què fa una regla
auto-action-set-status = Posa l'estat
auto-action-set-priority = Posa la prioritat
auto-action-add-tags = Afegeix etiquetes
auto-action-remove-tags = Treu etiquetes
auto-action-assign-team = Dona-la a un equip
auto-action-assign-agent = Dona-la a un agent
auto-action-reply = Resposta pública
auto-action-note = Nota interna
auto-action-webhook = Crida un webhook
