# Notificacions i posposar (issue 25).

event-snoozed = posposada fins a { $until }
event-unsnoozed-due = s'ha acabat l'ajornament; torna a estar oberta
event-unsnoozed-customer = el client ha respost; s'ha acabat l'ajornament
event-unsnoozed = s'ha acabat l'ajornament
job-snooze = Tornada de les converses posposades
mail-kind-notification = notificació a un agent

snoozed-until = Posposada fins a { $until }
snooze-title = Posposar
snooze-until-label = Pendent fins a
snooze-help = La vostra zona horària: { $tz }. Llavors la conversa torna al seu responsable; una resposta del client acaba l'ajornament de seguida.
snooze-submit = Posposar
snooze-bad-time = Indiqueu una data i una hora.

notification-kind-mention = Mencions a les notes
notification-kind-assigned = Converses que se m'assignen
notification-kind-customer-replied = Respostes dels meus clients
notification-kind-chat-waiting = Xats que esperen a la meva cua
notification-kind-snooze-ended = Fi dels ajornaments

notification-someone = Algú
notification-mention = { $actor } us ha esmentat a #{ $id } { $subject }
notification-assigned = Se us ha assignat #{ $id } { $subject }
notification-customer-replied = El client ha respost a #{ $id } { $subject }
notification-chat-waiting = Un xat espera a la vostra cua: #{ $id } { $subject }
notification-snooze-ended = #{ $id } { $subject } torna de l'ajornament

notifications-title = Notificacions
notifications-all = Totes
notifications-unread = No llegides
notifications-preferences = Preferències de notificació
notifications-preferences-about = Trieu, per a cada tipus, si es mostra aquí a l'espai de treball, arriba per correu o totes dues coses.
notifications-preferences-edit = Canvia les preferències de notificació
notifications-allow-browser = Mostra les notificacions del navegador
notifications-none = No hi ha notificacions.
notifications-read-all = Marca-les totes com a llegides
notifications-new = nova
notifications-mark-read = Marca com a llegida
notifications-older = Notificacions anteriors
notifications-saved = S'han desat les preferències.
notifications-kind = Tipus
notifications-web = Espai de treball
notifications-mail = Correu
notifications-sound = Fes un so breu quan un xat espera

# Alerts to the admins: a channel inbox stopped working.
mail-kind-alert = avís als administradors
alert-failing-subject = Tend: la safata «{ $inbox }» ha deixat de funcionar
alert-hello = Hola, { $name }:
alert-failing = La safata «{ $inbox }» ({ $channel }) ha deixat de funcionar. El proveïdor ha respost: { $error }
alert-failing-after = Tend conserva els missatges i ho torna a provar tot sol. Fins que no es corregeixin les credencials o la configuració, els clients d'aquest canal no reben respostes.
alert-failing-settings = Configuració de la safata: { $url }
