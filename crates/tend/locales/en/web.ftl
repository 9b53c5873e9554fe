# Tend agent workspace — English. Every key here must exist in ja, ko, lv and ca.

## Frame and navigation
skip-to-content = Skip to content
nav-label = Main
nav-menu = Menu
message-actions = Message actions
nav-inbox = Inbox
nav-customers = Customers
nav-admin = Admin
nav-inboxes = Inboxes
nav-teams = Teams
search-label = Search conversations
search-placeholder = Search (press /)
sign-out = Sign out
back-home = Back to the inbox
close = Close
save = Save
apply = Apply

## Keyboard help
help-title = Keyboard shortcuts
key-move = Next / previous conversation
key-open = Open the conversation
key-reply = Reply
key-note = Internal note
key-assign = Assign
key-status = Change status
key-search = Search
key-macros = Macros (in an empty reply)
key-help = This help

## Sign-in, setup, account
sign-in-title = Sign in to Tend
sign-in = Sign in
sign-in-failed = That email and password do not match an active account.
sign-in-rate-limited = Too many failed attempts. Wait 15 minutes and try again.
field-email = Email
field-password = Password
field-name = Name
field-new-password = New password (at least 8 characters)
field-repeat-password = Repeat the new password
field-current-password = Current password
field-language = Language
field-timezone = Time zone
field-organization = Organisation
field-local-time = Local time
field-first-seen = First seen
field-contacts = Contacts
field-team = Team
field-tags = Tags
setup-title = Create the first administrator
setup-intro = This one-time page sets up Tend. The account you create here can invite everyone else.
setup-submit = Create the administrator
invite-title = Choose your password
invite-intro = Welcome, { $name }. Choose a password to start working in Tend.
invite-submit = Save and sign in
link-gone-title = This link no longer works
link-gone = It was already used or it has expired. Ask an administrator for a new one.
password-mismatch = The two passwords are not the same.
password-current-wrong = The current password is not right.
password-changed = Your password was changed. Your other sessions were signed out.
account-title = Your account
account-preferences = Preferences
account-password = Password
account-change-password = Change the password
language-browser = Follow the browser
timezone-help = An IANA time zone such as Asia/Tokyo or Europe/Riga. Dates are shown in it.
timezone-unknown = “{ $tz }” is not a time zone Tend knows.

## Inbox
views-label = Views
view-mine = Mine
view-unassigned = Unassigned
view-open = All open
view-breaching-soon = Breaching soon
view-pending = Pending
view-solved = Solved
filter-status = Status
filter-priority = Priority
filter-channel = Channel
filter-tag = Tag
filter-language = Language
filter-any = Any
filter-apply = Filter
bulk-label = Change the selected conversations
bulk-assign = Assign to
bulk-status = Set status
bulk-tag = Add tag
bulk-partial = { $count ->
    [one] One conversation was changed; the others could not be:
   *[other] { $count } conversations were changed; the others could not be:
}
assign-me = Me
assign-nobody = Nobody
select-all = Select all
select-conversation = Select conversation #{ $id }
col-customer = Customer
col-subject = Subject
col-status = Status
col-priority = Priority
col-assignee = Owner
col-waiting = Waiting
col-due = Due
inbox-empty = Nothing here. Well done.
new-activity = New activity — refresh
pager-label = Pages
pager-prev = Previous
pager-next = Next
conversations-count = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
duration-minutes = { $count } min
duration-hours-minutes = { $hours } h { $minutes } min
duration-days-hours = { $days } d { $hours } h

## Statuses, priorities, channels
status-new = New
status-open = Open
status-pending = Pending
status-solved = Solved
status-closed = Closed
priority-low = Low
priority-normal = Normal
priority-high = High
priority-urgent = Urgent
channel-email = Email
channel-chat = Chat
channel-web = Web form
channel-api = API
channel-telegram = Telegram
channel-whatsapp = WhatsApp
channel-phone = Phone
channel-portal = Portal

## Conversation
author-system = Tend
internal-note = Internal note
message-from = Message from { $name }
show-images = Show images
show-quoted = Show the quoted text
download-original = Download the original email (.eml)
cc = Cc
delivery-queued = Queued
delivery-sent = Sent
delivery-delivered = Delivered
delivery-read = Read
delivery-failed = Not delivered
delivery-held = Held (automatic-mail limit)
controls = Details
transfer-reason = Reason for the transfer
transfer-category = Reason
transfer-words = In your words
transfer-help = Moving a conversation to another owner needs a reason.
transfer-needs-reason = Moving a conversation to another owner needs a reason: choose one and say why in your words.
reason-skill = Needs other expertise
reason-language = Language
reason-workload = Workload
reason-escalation = Escalation
reason-shift = End of shift
reason-other = Other
tags-help = Separate tags with commas.
previous-conversations = Previous conversations
composer-kind = Kind of message
compose-reply = Reply to the customer
compose-note = Internal note
compose-text = Message
compose-attach = Attach files
send = Send
send-anyway = Send anyway
new-customer-message = The customer wrote again while you were typing. Read the new message before you send.
viewer-viewing = { $name } is viewing
viewer-replying = { $name } is replying
event-created = created this conversation ({ $channel })
event-assigned = assigned it to { $to }
event-transferred = transferred it from { $from } to { $to }
event-status = set the status to { $to }
event-priority = set the priority to { $to }
event-tags = set the tags to { $tags }
event-team = changed the team to { $to }
event-customer = moved it to another customer
event-language = set the language to { $to }
event-mail-held = held an automatic mail ({ $value }): the inbox reached its hourly limit
mail-kind-reply = reply
mail-kind-ack = acknowledgement
mail-kind-survey = survey
mail-kind-transcript = chat transcript
mail-kind-portal-link = portal sign-in link
mail-kind-digest = weekly radar digest
auth-title = Sender authentication, checked when the email arrived
auth-pass = pass
auth-fail = fail
auth-softfail = soft fail
auth-neutral = neutral
auth-none = none
auth-temperror = temporary error
auth-permerror = permanent error
auth-unavailable = not checked
auth-forged = This email failed DMARC: its From address may be forged. It did not join an existing conversation.
event-join-refused = did not add this email to conversation #{ $id } and opened this conversation for it
event-join-refused-elsewhere = did not add this email to another conversation and opened this conversation for it
event-queued = put it in the team's queue: nobody was available
event-delivery-failed = could not deliver a reply
event-survey-sent-email = sent the satisfaction survey by email
event-survey-sent-message = sent the satisfaction survey as a message on the channel
event-survey-sent-chat = asked for satisfaction in the chat
event-survey-skipped = did not send a satisfaction survey: { $value }
survey-skip-no-channel = this channel cannot carry a survey
survey-skip-no-address = no address to write to
survey-skip-auto-address = the address is automatic
survey-skip-period-limit = the customer was asked recently
survey-skip-no-sender = the inbox has no address to send from
survey-skip-window-closed = the channel's reply window had closed and the inbox has no survey template
event-survey-answered = answered the survey: { $value }
survey-answer-yes = solved
survey-answer-no = still needs help
event-follow-up-created = opened a follow-up task for { $to }
event-follow-up-done = completed the follow-up task
event-inbox-changed = moved it to the inbox { $to }
sla-metric-first-response = first response
sla-metric-next-response = next response
sla-metric-resolution = resolution
event-sla-applied = set a { $metric } target
event-sla-warning = warned: the { $metric } target is close
event-sla-breached = missed the { $metric } target
event-sla-fulfilled = met the { $metric } target
event-automation-fired = acted (automation rule)
event-automation-stopped = rules stopped in a loop: { $value }
event-remedy = remedy: { $value }
remedy-state-granted = granted
remedy-state-awaiting-approval = awaiting approval
remedy-state-approved = approved
remedy-state-declined = declined
show-earlier = Show earlier messages
join-reason-not-participant = the sender is neither the customer of that conversation nor CC'd on it
join-reason-dmarc-fail = the email failed DMARC for its From domain, so its sender is not proven
join-reason-not-in-inbox = its subject names a conversation number that is not in this inbox

## Errors
error-not-found-title = Not found
error-not-found = There is nothing here, or you may not see it.
error-forbidden-title = Not allowed
error-forbidden = Your role does not allow this.
error-csrf = This form came from somewhere else or has expired. Reload the page and try again.
error-invalid-title = That did not work
error-rate-limited-title = Slow down
error-rate-limited = Too many requests. Wait a moment and try again.
error-too-large-title = Too large
error-too-large = What you sent is larger than this page accepts. Shorten it, or send files as attachments of a reply.
error-internal-title = Something went wrong
error-internal = Tend could not finish this. The details are in the server log.

## Presence for routing (header), success stories, agent profiles
nav-stories = Stories
nav-reports = Reports
presence-label = Your availability for new conversations
presence-set = Set
presence-online = Online
presence-away = Away
presence-offline = Offline
presence-now = Availability: { $to }
stories-title = Success stories
stories-intro = What customers said when they confirmed that their problem was solved: ratings of 4 or 5 stars with a comment, credited to the agents who replied.
stories-none = No stories yet.
stories-older = Older stories
stories-newest = Newest stories
story-rating = Rated { $count } out of 5
story-credited = Credited to:
story-customer-unnamed = A customer
agent-kind-words = Kind words
people-achieved = Last 30 days, beside their teams
people-team-achieved = What the team achieved
people-figure = Figure
people-solved = Conversations solved
people-this-agent = This agent
people-whole-desk = Whole desk
people-last-days = { $count ->
    [one] Last day
   *[other] Last { $count } days
}
people-days-before = { $count ->
    [one] The day before
   *[other] The { $count } days before
}
people-change = Change
people-members = Members
agent-own-settings = Change your settings
account-profile = Your profile and kind words

# Service levels
span-under-a-minute = less than a minute
span-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
span-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
span-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
sla-due-in = { $metric } due in { $when }
sla-overdue = { $metric } overdue by { $when }
sla-due-at = { $metric } due { $when }
sla-paused = Paused
sla-breached-paused = { $metric } overdue, paused
sla-alert-warning = #{ $id } { $subject }: the { $metric } deadline is close
sla-alert-breached = #{ $id } { $subject }: the { $metric } deadline has passed
sla-alert-close = Dismiss
sla-panel-title = Service levels
sla-policy = Policy
sla-why = Applies because
sla-counts = Counts
sla-counts-business = business hours of { $name } ({ $tz })
sla-counts-wall = every minute, day and night
sla-why-inbox = inbox { $name }
sla-why-channel = channel { $name }
sla-why-priority = priority { $name }
sla-why-tags = tag { $name }
sla-why-all = it applies to every conversation
sla-no-policy = none applies now
sla-state-running = running
sla-state-paused = paused
sla-state-fulfilled = met
sla-state-cancelled = stopped
sla-state-breached = missed
sla-target = Target
sla-due = Due
sla-used = Used
sla-paused-period = Paused
nav-monitor = Unanswered
monitor-title = Unanswered customers
monitor-intro = Customers who have waited more than { $when } without a public reply, per channel and inbox.
monitor-none = Every customer has an answer, or has waited less than the threshold.
monitor-col-inbox = Inbox
monitor-col-count = Waiting
monitor-col-longest = Longest wait
monitor-col-online = Who can answer
monitor-online = { $count ->
    [one] { $count } agent online
   *[other] { $count } agents online
}
monitor-nobody-online = Nobody is online

# Macros: the page and the composer's picker
nav-macros = Macros
macros-title = Macros
macros-about = Answers you give often, with the changes that go with them. Apply one from the composer: type / in an empty reply, or use the Macros button.
macros-none = No macros yet.
macros-back = ← All macros
macro-new = New macro
macro-name = Name
macro-scope = Who uses it
macro-text = Text
macro-actions = Changes
macro-used = Used
macro-edit = Edit
macro-remove = Remove
macro-remove-named = Remove { $name }
macro-team = Team
macro-team-help = For team macros: the team whose members use it.
macro-text-help = Placeholders are filled in for each conversation, e.g.
macro-variables = Placeholders and filters
macro-filters = Filters
macro-translations = Translations
macro-translations-help = The customer's language picks one; without a fitting translation the text above is used.
macro-other-language = Other language (tag)
macro-no-change = No change
macro-add-tags = Add tags
macro-remove-tags = Remove tags
macro-assign-team = Give to team
macro-assign-agent = Give to agent
macro-scope-personal = Only me
macro-scope-team = My team
macro-scope-global = Everyone
macro-change-status = Status: { $value }
macro-change-priority = Priority: { $value }
macro-change-add-tags = Add tags: { $value }
macro-change-remove-tags = Remove tags: { $value }
macro-change-team = Team: { $value }
macro-change-agent = Owner: { $value }
macro-picker-open = Macros (/)
macro-picker-none = No macro matches.
macro-picker-applied = Macro applied; edit the text and send it.
macro-picker-no-changes = No changes to the conversation.
macro-picker-search = Find a macro
macro-picker-help = Type to filter, ↑ ↓ to choose, Enter to preview, Esc to close.
macro-picker-preview = Preview for this conversation:
macro-picker-insert = Insert and apply
macro-picker-cancel = Cancel
# The knowledge base at work: the composer's article search, drafts, reports.
nav-kb = Help articles
kb-picker-open = Articles
kb-picker-search = Search help articles
kb-picker-help = Published articles in the customer's language; the reply is not sent.
kb-picker-none = No article matches.
kb-picker-other-language = not translated yet
kb-picker-insert-link = Insert link
kb-picker-insert-text = Insert text
kb-draft-action = Turn into a draft article
kb-draft-help = The question and your answer become a draft in the customer's language; a supervisor publishes it.
kb-draft-made = Draft article #{ $id } was created from this conversation.
kb-draft-no-answer = This conversation has no public answer from an agent to a customer's question yet.
kb-unhelpful-title = Unhelpful articles
kb-unhelpful-intro = Articles customers answered “No” to “Did this help?”, the most “No” answers first.
kb-unhelpful-none = No customer has found an article unhelpful yet.
kb-col-article = Article
kb-col-unhelpful = No
kb-col-helpful = Yes
deflection-title = Answers before asking
deflection-intro = Articles suggested on the contact form and in the chat while customers typed: how often each was shown, opened, and whether the customer still sent their message.
deflection-by-article = By article
deflection-by-inbox = By inbox
deflection-col-shown = Shown
deflection-col-opened = Opened
deflection-col-sent = Sent anyway
deflection-col-deflected = Deflected
deflection-col-rate = Deflection rate
deflection-total = All inboxes
deflection-rule = Deflected: the customer opened a suggested article and sent no message. Deflection rate: deflected out of shown.

# Remedies within limits (issue 23)
nav-remedies = Remedies
remedies-title = Remedies
remedies-waiting = Waiting for approval
remedies-none-waiting = Nothing waits for approval.
remedies-recent = Recently decided and granted
remedies-month = This month by agent: what was given, and how it went
remedies-month-none = Nothing was given this month.
remedies-given = Given
remedies-count = Remedies
remedies-reopen-rate = Reopens per conversation
remedy-new = Give a remedy
remedy-kind = Kind
remedy-amount = Amount
remedy-currency = Currency
remedy-note = What the customer gets
remedy-help = Within your limits it is granted at once; above them a supervisor decides.
remedy-record = Record remedy
remedy-approve = Approve
remedy-decline = Decline
remedy-decision-note = Note for the agent
remedy-by = Asked by
remedy-decided-by = Decided by
remedy-decided-already = Someone decided this remedy already.
remedy-error-amount = Give the amount as a number, such as 12.50.
remedy-error-currency = Give the currency as a three-letter code, such as EUR.
remedy-error-note = Say what the customer gets.
remedy-error-kind = Choose a kind of remedy.
remedy-error-user = Remedies are recorded by an agent.
remedy-due = decide by { $when }
remedy-overdue = overdue

## Customer health and the radar
nav-radar = Radar
radar-title = Customers at risk
radar-intro = Customers whose health score is low, the highest risk first. The score starts at 100; each reason takes off its weight.
radar-none = No customer is at risk right now.
radar-score = Health score (0–100)
radar-since = At risk since { $when }
radar-organization = Organisation
radar-inbox = Inbox
radar-language = Language
radar-any = Any
radar-filter = Filter
radar-more = More customers
radar-outreach = Reach out
radar-owner = Owner
radar-subject = Subject
radar-message = Message
radar-template-hint = Placeholders such as { "{{ customer.first_name }}" } and { "{{ agent.name }}" } are filled in when it is sent.
radar-start = Start the conversation
radar-started = Outreach started: open the conversation
radar-pick-owner = Pick the agent who owns the conversation.
radar-outreach-summary = Outreach in the last 90 days
radar-outreach-total = Started
radar-outreach-default-subject = How are things going?
radar-outreach-default-text = Hello { "{{ customer.first_name }}" },

    we noticed your last requests did not go as well as they should have, and we would like to make it right. Is there anything we can help you with?

    { "{{ agent.name }}" }
outcome-pending = Waiting for an answer
outcome-answered = Answered
outcome-satisfied = Satisfied
outcome-left = Left
signal-unhappy-answer = { $count ->
    [one] An unhappy survey answer
   *[other] { $count } unhappy survey answers
}
signal-unanswered-surveys = { $count } surveys left unanswered
signal-reopens = { $count ->
    [one] A conversation reopened
   *[other] { $count } reopens
}
signal-sla-breaches = { $count ->
    [one] A service level breached
   *[other] { $count } service levels breached
}
signal-long-waits = { $count ->
    [one] A wait longer than a day
   *[other] { $count } waits longer than a day
}
signal-repeat-contacts = { $count ->
    [one] Wrote again about the same issue
   *[other] Wrote again about the same issue { $count } times
}
signal-went-quiet = Went quiet after a problem ({ $count } days without contact)
signal-negative-words = { $count ->
    [one] A message with words of discontent
   *[other] { $count } messages with words of discontent
}
signal-no-positive-contact = No positive contact for { $count } days
health-title = Health
digest-subject = { $count ->
    [one] Radar: a customer newly at risk
   *[other] Radar: { $count } customers newly at risk
}
digest-intro = Hello { $name }, these customers went on the radar this week (lowest health first):
digest-line = { $customer }: health { $score }. { $reasons }
digest-more = The radar: { $url }
remedy-kind-refund = Refund
remedy-kind-credit = Credit
remedy-kind-discount = Discount
remedy-kind-replacement = Replacement
remedy-kind-goodwill = Goodwill gesture

## Problems (issue 23)
nav-problems = Problems
problems-title = Problems
event-problem-linked = linked to problem: { $value }
event-problem-unlinked = unlinked from problem: { $value }
problem-status-investigating = investigating
problem-status-known = known
problem-status-fixed = fixed
problem-filter-all = All
problem-none = No problems yet.
problem-new = New problem
problem-create = Open problem
problem-edit = Edit
problem-title-field = Title
problem-description = Description
problem-workaround = Workaround
problem-owner = Owner
problem-linked = Linked conversations
problem-fixed-at = Fixed
problem-fix = Mark fixed
problem-fix-help = Each linked customer whose conversation is still open gets this message once, in their language (else the first text given), on their channel; their conversation is then solved and surveyed.
problem-fix-text = Message ({ $value })
problem-fix-sent = Message sent when fixed
problem-notified = told { $when }
problem-link = Link
problem-unlink = Unlink
problem-link-other = Link to a problem
problem-panel = Problem
problem-proposals = Likely problems
problem-similar = Similar recent conversations
problem-suggestion = Known problem: { $value }
problem-suggestion-help = Suggested answer (its workaround); nothing is sent unless you send it.
problem-trending = Trending: similar new conversations, last 24 hours
problem-trending-none = Nothing is trending.
problem-trending-count = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
problem-credit = fixed the cause of { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}

## Merging, splitting and linking conversations (issue 25)
event-merged-into = merged this conversation into another; its messages are there now
event-merged-from = { $count ->
    [one] merged another conversation into this one ({ $count } message moved)
   *[other] merged another conversation into this one ({ $count } messages moved)
}
event-split-to = split a message off into a new conversation
event-split-from = opened this conversation with a message split off from another
event-linked = linked a related conversation
event-unlinked = removed the link to a related conversation
merge-title = Merge
merge-into = Merge into conversation
merge-none = No other open conversation of this customer in this inbox
merge-help = Its messages, notes and files move there; this conversation is closed and its number leads there.
merge-submit = Merge into the chosen conversation
links-title = Linked conversations
links-none = No linked conversations yet.
link-number = Link a conversation (its number)
link-add = Link
link-remove = Remove link
split-submit = Split into new conversation
split-refused = Only a customer's message or a reply can be split off, and not a conversation's only message.
refusal-itself = A conversation cannot be merged into or linked to itself.
refusal-unknown = There is no such conversation you may see; enter its number.
refusal-other-customer = That conversation belongs to another customer; only the same customer's conversations can be merged (link them instead).
refusal-other-inbox = That conversation is in another inbox; move one of them first.
refusal-target-closed = That conversation is closed; merge into an open one.
refusal-target-merged = That conversation was itself merged into another; merge into that one.

## The composer (issue 25, item 7)
event-reply-undone = took back a reply before it was sent
event-call-answered-in = answered a call from { $value }
event-call-answered-out = called { $value }; the call was answered
event-call-missed = called from { $value }; nobody answered, so a callback is due
event-call-ended = the call ended after { $value }
composer-sent = Sent
composer-undo = Undo
composer-undone = Not sent: your reply is back in the box.
format-toolbar = Formatting
format-bold = Bold
format-italic = Italic
format-bullets = Bulleted list
format-numbers = Numbered list
format-link = Link
format-image = Insert image
format-help = **bold**, *italic*, "- " and "1. " lists, [words](https://…) links; paste or drop a picture to show it in the text.
composer-image-type = Only PNG, JPEG, GIF and WebP pictures can be shown in the text. Attach other files with “Attach files”.
composer-image-size = This picture is larger than the upload limit. Make it smaller, or attach a smaller one.
composer-too-late = Too late to undo: the reply has already gone.
send-and-solve = Send and solve
composer-draft-saved = Draft saved
composer-pictures = Pictures in this reply
composer-chat-help = Enter sends, Shift+Enter starts a new line.
signatures-title = Signatures
signatures-link = Signatures
signatures-help = Your mail replies end with your signature in the customer's language, or with the one for any language. The inbox's signature follows it.
signatures-saved = Signatures saved.
signatures-any = Any language (when there is none in the customer's language)
signatures-inbox-title = Signatures of the inbox { $name }

# The reply window (WhatsApp) on a conversation page
reply-window-open = The { $channel } reply window is open until { $until }: after that, only approved templates can be sent until the customer writes again.
reply-window-closed = The { $channel } reply window closed at { $until } (the customer last wrote more than 24 hours ago): only an approved template can be sent until they write again.
reply-window-templates = Send an approved template
reply-window-parameter = Parameter { $n }
reply-window-send = Send template
reply-window-no-templates = This inbox has no approved templates yet: an admin registers them (whatsapp.templates).
