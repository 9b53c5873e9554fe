# A form's mistakes, beside their fields (issue 25, item 8): the words for
# the services' input errors, one table for every page (web/form_errors.rs).
form-error-check = This value was not accepted. Check it and try again.
form-error-required = Fill this in.
form-error-too-long = This is too long: at most { $count } characters.
form-error-length = Give 1 to { $count } characters.
form-error-too-long-body = The text is too long. Shorten it.
form-error-taken = This name is taken already. Choose another.
form-error-tag = A tag has 1 to 64 characters and no commas.
form-error-tags-many = At most { $count } tags.
form-error-assignee = Choose someone who may work this conversation's inbox.
form-error-team = Choose one of your teams.
form-error-scope = Choose who shares it.
form-error-slug = Use lower-case letters, digits and hyphens, like reset-your-password.
form-error-slug-taken = Another one has this address already. Choose another.
form-error-category = Choose a category from the list.
form-error-macro-empty = Give the macro a text, or at least one change.
form-error-template = A placeholder is not right at line { $line }, column { $column }. Check the words between the double braces there.
form-error-until-past = Choose a time in the future.
form-error-until-far = A snooze lasts at most a year. Choose an earlier time.
form-error-status = The conversation cannot move to this status from its current one.
form-error-cannot-snooze = This conversation cannot be snoozed now: only new, open and pending ones can.
form-error-last-admin = This is the last active admin: make someone else an admin first.

# The admin pages' and the account's forms.
form-error-email = Write an email address, like name@example.com.
form-error-address-taken = This address is in use already. Choose another.
form-error-unknown-address = No one here has this address. Check it and try again.
form-error-imap-url = Write the mailbox as imaps://user:password@mail.example.com/INBOX.
form-error-imap-email = Only email inboxes read a mailbox.
form-error-move-to = Give the folder to move messages to, like Processed: one line of at most 200 characters.
form-error-move-same = Choose a folder other than the mailbox Tend reads.
form-error-url = Write an address that starts with https:// or http://.
form-error-bot-token = Paste the token exactly as @BotFather gave it: the bot's number, a colon, then letters, digits, _ and -.
form-error-webhook-secret = Use 1 to 256 letters, digits, _ and -.
form-error-events = Choose at least one kind of event.
form-error-secret = Give a secret of { $count } to { $limit } characters.
form-error-colour = Write a colour as #rrggbb, like #1d2330.
form-error-origins = Write each site as scheme://host, like https://shop.example, one a line.
form-error-hours = Write opening hours as 09:00-17:00; separate several with commas.
form-error-timezone = Give a time zone Tend knows, like Europe/Riga.
form-error-max-wait = Give a whole number of minutes from 0 to 1440.
form-error-no-address = This customer has no email address to write to.
form-error-password = A password needs at least 8 characters.
