# Tend agent workspace — automation rules: the admin pages and the
# conversation page's "Automations" section (English).
# Every key here must exist in ja, ko, lv and ca.

## The list
auto-about = Rules that act on conversations by themselves: on events or after some time.
admin-automations = Automations
auto-intro = Rules act on conversations on their own, from the top of this list down. A new rule starts switched off: dry-run it, then enable it.
auto-none = No rules yet.
auto-new = New rule
auto-col-order = Order
auto-col-when = When
auto-col-state = State
auto-col-parts = Conditions and actions
auto-parts = Conditions: { $count } · actions: { $value }
auto-on = On
auto-off = Off
auto-move-up = Move up
auto-move-down = Move down
auto-enable = Enable
auto-disable = Disable
auto-enable-named = Enable { $name }
auto-disable-named = Disable { $name }
auto-edit = Edit
auto-edit-named = Edit { $name }
auto-delete = Delete
auto-delete-named = Delete { $name }
auto-delete-title = Delete the rule { $name }?
auto-delete-text = What it did stays on the conversations' timelines. This cannot be undone.
auto-delete-keep = Keep it
auto-when-after = { $value } after { $name }
auto-when-business = { $value }, counted in the opening hours of { $name }

## The form
auto-new-title = New rule
auto-edit-title = Rule: { $name }
auto-back = All rules
auto-when-kind-event = When something happens
auto-when-kind-after = Some minutes after a moment
auto-event = Event
auto-minutes = Minutes
auto-since = After
auto-calendar = Calendar
auto-calendar-none = Every minute counts (no calendar)
auto-conditions = Conditions
auto-conditions-help = With no condition the rule always acts. Every condition of "all" must hold, and one of "any" when there are any. For "is one of" give comma-separated values; inbox, team and owner take ids; leave the value empty for "none".
auto-no-conditions = No conditions: the rule always acts.
auto-condition-n = Condition { $id }
auto-group = Group
auto-group-all = All must hold
auto-group-any = Any one may hold
auto-cond-field = Field
auto-cond-op = Comparison
auto-cond-value = Value
auto-choose = — choose —
auto-add-condition = Add a condition
auto-remove-condition = Remove condition { $id }
auto-actions = Actions
auto-actions-help = What the rule does, in this order.
auto-action-n = Action { $id }
auto-action-type = Action
auto-add-action = Add an action
auto-remove-action = Remove action { $id }
auto-value-status = New status
auto-value-priority = New priority
auto-value-tags = Tags, comma-separated
auto-value-team = Team
auto-value-agent = Agent
auto-value-text = Text
auto-value-url = Address (http:// or https://)
auto-value-secret = Signing secret (optional)
auto-trace = Record the evaluations that did not fire
auto-trace-help = They are shown on the conversation page under "Automations", to answer "why didn't my rule fire?".
auto-error-number = Give a whole number.
auto-saved-off = Saved. The rule is off: dry-run it, then enable it.

## Dry run and enabling
auto-state-on = This rule is on.
auto-state-off = This rule is off. A dry run shows what it would touch before you enable it.
auto-dry-run = Dry run
auto-dry-days = Days to look back
auto-dry-help = Which conversations changed in these days the rule's conditions fit as they are now. It changes nothing.
auto-dry-title = { $count ->
    [one] Dry run over { $count } day
   *[other] Dry run over { $count } days
}
auto-dry-matched = Would match
auto-dry-examined = Looked at
auto-dry-sample = Some of them
auto-dry-none = None of them would match.

## The conversation page
auto-panel-title = Automations
auto-panel-show = Why did a rule act or not?
auto-panel-none = There are no rules.
auto-holds = Its conditions hold now.
auto-holds-not = Its conditions do not hold now.
auto-held = holds
auto-not-held = does not hold
auto-always = No conditions.
auto-traces = Evaluations that did not fire
auto-traces-none = None recorded (only rules set to record them do).

## Events a rule runs on
auto-event-conversation-created = A conversation is created
auto-event-message-added = A message is added
auto-event-status-changed = The status changes
auto-event-priority-changed = The priority changes
auto-event-tags-changed = The tags change
auto-event-assigned = The owner changes
auto-event-sla-warning = A service-level warning
auto-event-sla-breached = A service level is breached
auto-event-survey-answered = The customer answers a survey

## Moments a time rule counts from
auto-since-created = creation
auto-since-status-changed = the last status change
auto-since-last-customer-message = the customer's last message
auto-since-last-agent-message = the desk's last public message

## What a condition looks at
auto-field-status = Status
auto-field-priority = Priority
auto-field-channel = Channel
auto-field-inbox-id = Inbox (id)
auto-field-team-id = Team (id)
auto-field-assignee-id = Owner (user id)
auto-field-tags = Tags
auto-field-language = Language
auto-field-subject = Subject
auto-field-text = Message text
auto-field-message-from = Message written by
auto-field-customer-email = Customer's email
auto-field-customer-name = Customer's name
auto-field-sla-breached = Service levels breached
auto-field-hours-since-created = Hours since creation

## How a condition compares
auto-op-is = is
auto-op-is-not = is not
auto-op-in = is one of
auto-op-not-in = is none of
auto-op-contains = contains
auto-op-not-contains = does not contain
auto-op-gt = is more than
auto-op-lt = is less than

## What a rule does
auto-action-set-status = Set the status
auto-action-set-priority = Set the priority
auto-action-add-tags = Add tags
auto-action-remove-tags = Remove tags
auto-action-assign-team = Give to a team
auto-action-assign-agent = Give to an agent
auto-action-reply = Public reply
auto-action-note = Internal note
auto-action-webhook = Call a webhook
