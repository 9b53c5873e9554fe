# Notifications and snooze (issue 25).

event-snoozed = snoozed until { $until }
event-unsnoozed-due = the snooze ended; open again
event-unsnoozed-customer = the customer wrote; the snooze ended
event-unsnoozed = the snooze ended
job-snooze = Snoozed conversations coming back
mail-kind-notification = notification to an agent

snoozed-until = Snoozed until { $until }
snooze-title = Snooze
snooze-until-label = Pending until
snooze-help = Your time zone: { $tz }. The conversation comes back to its owner then; a customer reply ends the snooze at once.
snooze-submit = Snooze
snooze-bad-time = Give a date and a time.

notification-kind-mention = Mentions in notes
notification-kind-assigned = Conversations assigned to me
notification-kind-customer-replied = Replies from my customers
notification-kind-chat-waiting = Chats waiting in my queue
notification-kind-snooze-ended = Snoozes ending

notification-someone = Someone
notification-mention = { $actor } mentioned you in #{ $id } { $subject }
notification-assigned = #{ $id } { $subject } was assigned to you
notification-customer-replied = The customer replied in #{ $id } { $subject }
notification-chat-waiting = A chat waits in your queue: #{ $id } { $subject }
notification-snooze-ended = #{ $id } { $subject } is back from snooze

notifications-title = Notifications
notifications-all = All
notifications-unread = Unread
notifications-preferences = Notification preferences
notifications-preferences-about = Choose, for each kind, whether it shows here in the workspace, comes by mail, or both.
notifications-preferences-edit = Change notification preferences
notifications-allow-browser = Show browser notifications
notifications-none = No notifications.
notifications-read-all = Mark all read
notifications-new = new
notifications-mark-read = Mark read
notifications-older = Older notifications
notifications-saved = Preferences saved.
notifications-kind = Kind
notifications-web = Workspace
notifications-mail = Mail
notifications-sound = Play a short tone when a chat waits

# Alerts to the admins: a channel inbox stopped working.
mail-kind-alert = alert to the admins
alert-failing-subject = Tend: the inbox "{ $inbox }" stopped working
alert-hello = Hello { $name },
alert-failing = The inbox "{ $inbox }" ({ $channel }) stopped working. The provider answered: { $error }
alert-failing-after = Tend keeps the messages and tries again by itself. Until the credentials or settings are fixed, customers on this channel get no answers.
alert-failing-settings = Inbox settings: { $url }
