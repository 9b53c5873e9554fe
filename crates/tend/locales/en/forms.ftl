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
