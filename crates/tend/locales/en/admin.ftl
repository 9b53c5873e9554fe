# Tend agent workspace — search, customers and admin pages (English).
# Every key here must exist in ja, ko, lv and ca.

## Search
search-title = Search
search-title-for = Search: { $q }
search-submit = Search
search-syntax = How to search
search-help = All words must match, in any language. Use "quoted phrases", -word to exclude, and filters such as status:open, assignee:me, tag:billing, from:example.com, inbox:3, after:2024-05-01 and before:2024-06-01.
search-results = { $count ->
    [one] One conversation found
   *[other] { $count } conversations found
}
search-none = No conversation matches. Try fewer or other words.

## Customers
customers-title = Customers
customers-search = Name or email
customers-none = No customers match.
customers-back = All customers
customer-saved = The profile was saved.
customer-merged = The two records were merged. Their addresses and conversations are now here.
customer-history = Conversations
customer-history-none = No conversations you may see.
customer-calls = Calls
customer-call-col-when = When
customer-call-col-call = Call
customer-call-col-outcome = Outcome
call-direction-in = Incoming from
call-direction-out = Outgoing to
call-outcome-answered = Answered
call-outcome-missed = Missed: a callback is due
call-outcome-ringing = Ringing
call-outcome-unanswered = Not answered
call-popup-title = Incoming call
call-popup-open = Open conversations
call-popup-recent = Recent conversations
call-popup-none = No earlier conversations.
call-popup-customer = Open customer
call-popup-dismiss = Dismiss
customer-edit = Edit the profile
customer-private-hidden = Phone, time zone, organisation and notes are shown only to supervisors, admins and agents who may see all of this customer's conversations.
customer-language-help = A language code such as ja, ko, lv, ca or en.
picker-not-set = Not set
customer-language-invalid = “{ $value }” is not a language Tend knows. Pick one from the list.
customer-name-invalid = Enter a name of at most 200 characters.
customer-merge = Merge another record into this one
customer-merge-help = Use this when one person has two records. The other record's addresses and conversations move here, and the other record disappears from the list. This cannot be undone.
customer-merge-other = The other customer's number or email
customer-merge-submit = Merge into this customer
merge-other-invalid = Enter the other customer's number (such as 42) or one of their email addresses.
field-phone = Phone
field-notes = Notes
field-last-seen = Last seen
col-updated = Updated

## Admin: common
admin-title = Administration
admin-users = Users
admin-teams = Teams
admin-inboxes = Inboxes
admin-tokens = API tokens
admin-users-about = Invite people, change their roles, deactivate accounts.
admin-teams-about = Group agents and choose which inboxes each team works.
admin-inboxes-about = Email addresses, IMAP polling and automatic acknowledgements.
admin-tokens-about = Tokens for integrations that use the REST API.
admin-users-count = { $count ->
    [one] One user
   *[other] { $count } users
}
admin-teams-count = { $count ->
    [one] One team
   *[other] { $count } teams
}
admin-inboxes-count = { $count ->
    [one] One inbox
   *[other] { $count } inboxes
}
admin-tokens-count = { $count ->
    [one] One active token
   *[other] { $count } active tokens
}
admin-saved = Saved.
admin-choose-one = Choose one from the list.
admin-back = Back
add = Add
remove = Remove
secret-label = Copy it now
secret-once = This is shown only once. Tend keeps only a fingerprint of it and cannot show it again.
field-role = Role
field-state = State
field-created = Created
field-actions = Actions
field-address = Email address
field-imap-url = IMAP mailbox to poll
field-kind = Channel
field-label = Label
field-owner = User

## Admin: users
role-agent = Agent
role-supervisor = Supervisor
role-admin = Administrator
user-you = you
user-role-of = Role of { $name }
user-active = Active
user-inactive = Deactivated
user-deactivate = Deactivate
user-deactivate-name = Deactivate { $name }
user-reactivate = Reactivate
user-reactivate-name = Reactivate { $name }
user-new-link = New sign-in link
user-new-link-name = New sign-in link for { $name }
user-invite = Invite someone
user-invite-help = Tend creates the account and gives you a one-time link. Send it to the person; they choose their own password with it. The link works for 7 days.
user-invite-submit = Create the invitation
invite-link-title = Invitation link
invite-link-intro = Send this link to { $name }. It works once, for 7 days, and lets them choose a password.
invite-inactive = Reactivate this user before making a new link.

## Admin: teams
teams-none = No teams yet.
team-create = Create a team
team-members = Members
team-no-members = Nobody yet.
team-add-member = Add a member
team-remove-member = Remove { $name } from the team
team-inboxes = Inboxes this team works
team-no-inboxes = None yet: the team's agents see nothing.
team-grant-inbox = Add an inbox
team-revoke-inbox = Take { $name } away from the team

## Admin: inboxes
inbox-kind-email = Email
inbox-kind-chat = Chat
inbox-kind-web = Web form
inbox-kind-api = API
inbox-kind-telegram = Telegram
inbox-kind-whatsapp = WhatsApp
inbox-default = Default
inbox-create = Create an inbox
inbox-address-help = Required for email inboxes: the address customers write to.
inbox-imap-help-new = Optional. Tend fetches new mail from this mailbox, for example imaps://user:password@mail.example.com/INBOX.
inbox-imap-help = Tend polls { $url }. Leave the field empty to keep it, or enter a new URL.
inbox-imap-off = Stop polling IMAP
field-imap-after = After fetching a message
inbox-imap-after-leave = Leave it in the mailbox
inbox-imap-after-seen = Mark it as read
inbox-imap-after-move = Move it to a folder
field-imap-move-to = Folder to move messages to
inbox-imap-move-help = Used with “Move it to a folder”. Tend creates the folder if it does not exist. Messages are marked or moved only after Tend has stored them.
inbox-ack = Send an automatic acknowledgement to each new email conversation

## Admin: API tokens
tokens-none = No API tokens yet.
token-active = Active
token-revoke = Revoke
token-revoke-gone = This token is revoked already.
token-revoke-name = Revoke the token { $name }
token-revoked-at = Revoked { $when }
token-create = Create a token
token-create-help = The token acts with its user's role. It is shown once, right after you create it.
token-created-title = New API token
token-created-intro = This token acts as { $name }. Use it as "Authorization: Bearer" followed by the token.

## Reports
report-csat-title = Customer satisfaction
report-csat-intro = CSAT is the share of ratings of 4 or 5 stars; the response rate is the share of surveys that customers answered. A survey counts in the period in which it was sent.
report-from = From
report-to = To
report-period-help = Both dates are included; days are in UTC.
report-bad-date = “{ $q }” is not a date. Use the form 2026-01-31.
report-from-after-to = The start date is after the end date.
report-by-agent = By agent
report-by-team = By team
report-no-agent = No owner
report-no-team = No team
report-by-inbox = By inbox
report-by-channel = By channel
report-none = No surveys were sent in this period.
report-col-name = Name
report-col-csat = CSAT
report-col-response-rate = Response rate
report-col-sent = Surveys sent
report-col-answered = Answered
report-col-rated = Rated
report-col-satisfied = Satisfied (4–5)
report-percent = { $value }%

## Admin: survey templates
admin-templates = Survey templates
admin-templates-about = The satisfaction survey's email and the page customers answer on, in each language.
template-col = Template
template-survey-email-subject = Survey email: subject
template-survey-email-text = Survey email: text
template-survey-message-text = Survey message (chat apps, channel API): text
template-survey-page = Survey page for customers
template-edit-in = { $name } in { $to }
template-customized = Changed
template-builtin = Built-in
template-customized-at = An administrator changed it on { $when }.
template-is-builtin = This is the built-in template.
template-source = Template (minijinja)
template-help = Before saving, Tend checks that it works with example data. Variables:
template-reset = Go back to the built-in template
template-reset-help = Your changes to this template will be deleted.

## Public channels of an inbox (chat widget, contact form)
inbox-public-link = Chat and form settings
public-title = { $name }: chat and form settings
public-embed = Embed code
public-embed-chat-help = Put this tag on every page of your site that should offer the chat.
public-embed-form-help = Put this frame on a page of your site to embed the contact form.
public-origins = Sites allowed to embed (one origin per line)
public-origins-help = For example https://shop.example. Tend's own address is always allowed.
public-require-name = Ask for the visitor's name before a chat
public-require-email = Ask for the visitor's email address before a chat
public-identity = New identity secret for signed-in visitors
public-identity-help = Your site signs its user's id with HMAC-SHA256 under this secret (data-user-id, data-user-hash). Leave empty to keep the current secret.
public-identity-set = A secret is set: signed-in visitors are recognised and see their history.
public-identity-unset = No secret is set: visitor identities are not accepted.
public-identity-clear = Turn identity verification off
public-hours = Office hours
public-hours-help = Per day, times like 09:00-17:00, several separated by commas. Leave every day empty to be always open.
public-timezone = Time zone (IANA, e.g. Europe/Riga)
public-max-wait = Offer email instead when the expected wait is longer than (minutes)

## Admin: mail quarantine
admin-quarantine = Mail quarantine
admin-quarantine-about = Incoming mail that was held back or ignored: download the original and retry it.
quarantine-intro = Mail that Tend did not turn into a conversation. Download the original to check it, then retry it: a retry skips the per-sender limit, and every other check applies again.
quarantine-tab-quarantined = Quarantined
quarantine-tab-ignored = Ignored
quarantine-none = No mail here.
quarantine-col-received = Received
quarantine-col-from = Sender
quarantine-col-subject = Subject
quarantine-col-reason = Reason
quarantine-col-size = Size
quarantine-col-state = Original and retry
quarantine-no-subject = (no subject)
quarantine-no-sender = (no sender)
quarantine-download = Download the original
quarantine-download-name = Download the original of message { $id }
quarantine-retry = Retry
quarantine-retry-name = Retry message { $id }
quarantine-retried-at = Retried { $when }
quarantine-in-conversation = In conversation #{ $id }
quarantine-retried-created = Retried: the message started conversation #{ $id }.
quarantine-retried-appended = Retried: the message was added to conversation #{ $id }.
quarantine-retried-duplicate = Retried: the message was already in conversation #{ $id }.
quarantine-retried-held = Retried: the message is still quarantined. Reason: { $value }
quarantine-retried-ignored = Retried: the message was ignored. Reason: { $value }
quarantine-already-retried = This message is already in conversation #{ $id }, so it cannot be retried again.
# Reason codes of ignored mail (the mail log stores the code).
mail-reason-delivery_report = Delivery report (bounce)
mail-reason-feedback_report = Feedback or abuse report
mail-reason-dmarc_aggregate_report = DMARC aggregate report
mail-reason-dmarc_failure_report = DMARC failure report
mail-reason-list_notice = Mailing-list notice
mail-reason-cloud_notification = Mail service notification (JSON)
mail-reason-read_receipt = Read receipt
mail-reason-auto_reply = Automatic reply
mail-reason-auto_generated = Automatically generated mail
mail-reason-bulk_mail = Bulk or list mail
mail-reason-own_address_loop = Sent from our own address (loop protection)
mail-reason-matched = { $value }, about a message we sent
mail-reason-too-large = The message is { $size }, over the limit of { $limit }.
mail-reason-not-fetched = The message is { $size }, over the limit of { $limit }; it was not fetched and stays in the IMAP mailbox.
mail-reason-not-fetched-over = The message is over the limit of { $limit }; it was not fetched and stays in the IMAP mailbox.
mail-reason-unreadable = The message could not be read.
mail-reason-no-from = The message has no usable From address.
mail-reason-sender-limit = { $sender } sent more than { $count } messages in 10 minutes (loop protection).
mail-reason-other = Held for a reason this version of Tend does not name.
quarantine-col-select = Select
quarantine-select-name = Select message { $id }
quarantine-bulk-label = With the selected messages:
quarantine-bulk-retry = Retry selected
quarantine-bulk-delete = Delete selected
quarantine-delete = Delete
quarantine-delete-name = Delete message { $id }
quarantine-delete-title = Delete held mail
quarantine-delete-text = { $count ->
    [one] Delete this message and its original? This cannot be undone.
   *[other] Delete these { $count } messages and their originals? This cannot be undone.
}
quarantine-delete-yes = Delete for good
quarantine-delete-keep = Keep them
quarantine-deleted = { $count ->
    [one] { $count } message deleted.
   *[other] { $count } messages deleted.
}
quarantine-bulk-retried = { $count ->
    [one] { $count } message retried.
   *[other] { $count } messages retried.
}
quarantine-none-selected = Select at least one message first.
quarantine-cannot-retry = Message { $id } cannot be retried: its original or its inbox is gone.

## Admin: failed background jobs
admin-jobs = Failed jobs
admin-jobs-about = Items that background jobs could not do: see the error and retry them.
jobs-intro = Items a background job could not do. A failed item is tried again after 30 seconds, then 1, 2 and 4 minutes; after five failures it is parked until you retry it. The job goes on with its other items meanwhile.
jobs-none = Nothing failed: every background job is up to date.
jobs-col-job = Job
jobs-col-item = Item
jobs-col-attempts = Attempts
jobs-col-error = Last error
jobs-col-failed-at = Last failure
jobs-col-state = State
jobs-state-retry-at = Retry at { $when }
jobs-state-parked = Parked
jobs-first-failed = First failed { $when }
jobs-retry = Retry
jobs-retry-name = Retry item { $id } ({ $value })
jobs-retried = Item { $id } ({ $value }) is due again: the job takes it up on its next pass.
jobs-retry-gone = Item { $id } ({ $value }) is no longer among the failed items; it may have succeeded since.
# The background jobs (`jobs::Job`).
job-survey = Satisfaction surveys
job-quiet-close = Closing after the quiet period
job-sla-timer = Service-level timer
job-outbox = Outgoing mail
job-automation-timer = Automation time rules
job-automation-reply = Automatic replies of rules
job-channel-outbox = Messages to channel API URLs


## Webhooks (admin)
admin-webhooks = Webhooks
admin-webhooks-about = Tell other systems about conversation events: subscriptions, their delivery log, redelivery.
webhooks-intro = Tend posts each event of the chosen kinds to the URL, signed with the secret (Tend-Signature), one conversation's events in order. A delivery not answered with a 2xx within 10 seconds is tried again after 30 seconds, then 1, 2, 4 minutes and so on, at most an hour apart, until it is.
webhooks-none = No webhooks yet.
webhooks-field-url = URL
webhooks-field-events = Events
webhooks-field-secret = Secret (16 to 200 characters)
webhooks-create = Add a webhook
webhooks-create-help = The secret signs every delivery; it is stored sealed and never shown again.
webhooks-delete = Remove
webhooks-delete-name = Remove the webhook to { $url }
webhooks-back = All webhooks
webhooks-deliveries-title = Deliveries to { $url }
webhooks-deliveries-none = Nothing to deliver yet: only events after the webhook was added are delivered.
webhooks-col-delivery = Delivery
webhooks-col-event = Event
webhooks-col-conversation = Conversation
webhooks-col-state = State
webhooks-col-attempts = Attempts
webhooks-col-code = Response
webhooks-col-error = Last error
webhooks-col-when = When
webhooks-delivered-at = Delivered { $when }
webhooks-next-at = Next attempt { $when }
webhooks-redeliver = Redeliver
webhooks-redeliver-name = Redeliver delivery { $id }
webhooks-redelivered = Delivery { $id } is queued again.
webhooks-older = Older deliveries
webhook-state-pending = Pending
webhook-state-failing = Failing
webhook-state-delivered = Delivered

## Reports overview (/reports)
report-dashboard-title = Reports
report-dashboard-intro = Figures measured from each conversation's events. Every chart has the table of its numbers beside it, and its CSV holds the same numbers.
report-csat-link = Satisfaction surveys in detail
report-dashboard-link = Reports overview
report-period = Period
report-last-days = { $count ->
    [one] Last day
   *[other] Last { $count } days
}
report-custom-period = The dates given
report-bucket = Lines per
report-bucket-day = Day
report-bucket-week = Week
report-breakdown-by = Break down
report-breakdown-metric = Breakdown metric
report-business-hours = Business hours only
report-dates-help = To use From and To (both included), choose “The dates given” as the period.
report-time-zone = Days and hours are in your time zone, { $tz }.
report-both-dates = Give both dates, or choose a period.
report-summary = Summary
report-this-period = This period: { $from } to { $to }.
report-previous-period = Compared with the same number of days before it: { $from } to { $to }.
report-col-metric = Metric
report-col-now = This period
report-col-before = Previous period
report-col-change = Change
report-col-count = Measurements
report-col-value = Value
report-col-median = Median
report-col-p90 = 90th percentile
report-col-weekday = Weekday
report-csv = Download CSV
report-trends = Trends
report-per-day = { $metric } per day
report-per-week = { $metric } per week
report-breakdown = Breakdown
report-breakdown-caption = { $metric } by { $name }
report-dimension-agent = agent
report-dimension-team = team
report-dimension-inbox = inbox
report-dimension-channel = channel
report-dimension-language = language
report-dimension-tag = tag
report-by-language = By language
report-by-tag = By tag
report-no-language = No language
report-no-tag = No tag
report-heatmap = Arrivals by weekday and hour
report-heatmap-intro = New conversations in each hour of the week over the period, in your time zone.
report-no-data = Nothing was measured in this period.
report-seconds = { $count } s
report-change-percent = { $value }%
report-change-points = { $value } pp
report-metric-first-response-time = First response time
report-metric-next-response-time = Next response time
report-metric-resolution-time = Resolution time
report-metric-confirmation-time = Time to the customer's confirmation
report-metric-sla-attainment = Service levels met
report-metric-csat = CSAT
report-metric-response-rate = Survey response rate
report-metric-volume = Conversations
report-metric-reopens = Reopens
report-metric-transfers = Transfers

# The channel API
inbox-outbound-url = Replies are posted to
inbox-outbound-help = Tend posts the desk's replies here, signed with the secret. Leave it empty to post nowhere.
inbox-secret = Signing secret
inbox-secret-set = A secret is set. Leave the field empty to keep it, or enter a new one (16 characters or more).
inbox-secret-none = No secret yet: inbound messages are refused until one is set (16 characters or more).
inbox-secret-off = Remove the secret
inbox-bot-token = Bot token
inbox-bot-token-set = A token is set. Leave the field empty to keep it, or paste a new one from @BotFather.
inbox-bot-token-none = No token yet: paste the one @BotFather gave the bot.
inbox-api-base = Bot API server
inbox-mode = How updates arrive
inbox-mode-polling = Long polling (nothing needs to reach Tend)
inbox-mode-webhook = Webhook (Telegram posts to Tend)
inbox-webhook-auto = In webhook mode, Tend tells Telegram to post to { $url } when you save.
inbox-webhook-manual = In webhook mode, call Telegram's setWebhook with Tend's public address followed by { $url }, or set public_url so that Tend does it.
inbox-webhook-secret = Webhook secret token
inbox-webhook-secret-set = A secret token is set. Leave the field empty to keep it.
inbox-webhook-secret-none = No secret token yet: webhook calls are refused until one is set (letters, digits, _ and -).
inbox-failing = The outbound URL has refused Tend's credentials since { $when }: { $value }. Set a new secret or URL once the receiver is fixed.
inbox-failing-telegram = The Bot API has refused this bot since { $when }: { $value }. Fix it (a new token from @BotFather, or the address) and save.
inbox-telegram-polling = Reads the bot's updates by long polling from { $url }.
inbox-telegram-webhook = Telegram posts the bot's updates to this inbox's webhook (Bot API: { $url }).
inbox-telegram-no-token = No bot token yet: set it below.
inbox-failing-whatsapp = The Graph API has refused the WhatsApp access token since { $when }: { $value }. Set a new token from Meta Business Manager.
inbox-whatsapp-number = Sends as WhatsApp number { $id } through { $url }.
inbox-whatsapp-unset = No phone number id or access token yet: an admin sets them through the API (whatsapp.phone_number_id, whatsapp.access_token).

# Event kinds by name (the webhooks page)
event-kind-created = Conversation created
event-kind-message-added = Message added
event-kind-note-added = Internal note added
event-kind-assigned = Owner changed
event-kind-transferred = Transferred
event-kind-queued = Queued for routing
event-kind-status-changed = Status changed
event-kind-priority-changed = Priority changed
event-kind-tags-changed = Tags changed
event-kind-team-changed = Team changed
event-kind-inbox-changed = Inbox changed
event-kind-customer-changed = Customer changed
event-kind-language-changed = Language changed
event-kind-join-refused = Reply refused (closed conversation)
event-kind-delivery-failed = Delivery failed
event-kind-mail-held = Mail held
event-kind-survey-sent = Survey sent
event-kind-survey-skipped = Survey not sent
event-kind-survey-answered = Survey answered
event-kind-follow-up-created = Follow-up created
event-kind-follow-up-done = Follow-up done
event-kind-sla-applied = Service level applied
event-kind-sla-warning = Service-level warning
event-kind-sla-breached = Service level breached
event-kind-sla-fulfilled = Service level met
event-kind-automation-fired = Automation rule ran
event-kind-automation-stopped = Automation rule stopped
event-kind-remedy-recorded = Remedy recorded
event-kind-remedy-decided = Remedy decided
event-kind-problem-linked = Linked to a problem
event-kind-problem-unlinked = Unlinked from a problem
event-kind-snoozed = Snoozed
event-kind-unsnoozed = Snooze ended
event-kind-merged-into = Merged into another conversation
event-kind-merged-from = Another conversation merged in
event-kind-split-to = Message split off
event-kind-split-from = Split from another conversation
event-kind-linked = Related conversation linked
event-kind-unlinked = Related conversation unlinked
event-kind-side-conversation-started = Side conversation started
event-kind-side-message-sent = Side conversation message sent
event-kind-side-reply-received = Side conversation reply received
event-kind-reply-undone = Reply taken back (undo send)
event-kind-call-answered = Call answered
event-kind-call-missed = Call missed
event-kind-call-ended = Call ended
