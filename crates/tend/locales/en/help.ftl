# Public help pages: the contact form at /help/contact.
help-centre = Help centre
help-language = Language
contact-title = Contact us
contact-intro = Tell us what you need and we will answer by email.
contact-field-name = Your name
contact-field-email = Email address
contact-field-subject = Subject
contact-field-message = Message
contact-field-attachments = Attachments
contact-optional = optional
contact-attachments-hint = You can attach several files, at most { $count } MB in total.
contact-honeypot = Leave this field empty
contact-send = Send
contact-error-summary = Please correct the marked fields.
contact-error-required-email = Please enter your email address.
contact-error-email = This is not a valid email address, e.g. name@example.com.
contact-error-required-message = Please write your message.
contact-error-too-long = This is too long: at most { $count } characters.
contact-error-files-too-large = The files are too large: together they may be at most { $count } MB. They were not sent; please choose smaller ones.
contact-error-too-many-files = Please attach at most { $count } files.
contact-error-invalid = Please check this field.
contact-files-again = For your safety, files are not kept when the form is shown again; please choose them again.
contact-thanks-title = Thank you
contact-thanks = We have received your message and will reply to { $to }.
contact-thanks-reference = Your request number is #{ $id }.
contact-thanks-again = Send another message
contact-not-found-title = Form not found
contact-not-found = This contact form does not exist. Please check the link you followed.
contact-forbidden-title = Not allowed from this site
contact-forbidden = This form can only be sent from the websites its owner has approved. Please use the form on the support site itself.
contact-rate-limited-title = Too many messages
contact-rate-limited = You have sent many messages in a short time. Please wait a minute and try again.
contact-too-large-title = Too large
contact-too-large = What you sent is larger than { $count } MB in total. Please send smaller files.
contact-bad-request-title = The form could not be read
contact-bad-request = Please go back and send the form again.
contact-error-title = Something went wrong
contact-error = Your message could not be saved. Please try again in a few minutes.
contact-back = Back to the form
# The help centre at /help/{lang}/: articles, search, votes.
kb-skip = Skip to the content
kb-search-label = Search the help centre
kb-search = Search
kb-search-results = Search results for “{ $q }”
kb-search-none = No articles match your search. Try other words, or contact us.
kb-empty = There are no articles here yet.
kb-uncategorised = More articles
kb-untranslated = not yet translated
kb-not-translated = This article is not yet translated into your language. It is shown in { $name }.
kb-vote-question = Did this help?
kb-vote-yes = Yes
kb-vote-no = No
kb-vote-thanks = Thank you for telling us.
kb-contact-prompt = Didn't find what you need?
kb-contact-link = Contact us
kb-not-found-title = Page not found
kb-not-found = This page does not exist. Try searching the help centre.
kb-rate-limited-title = Too many requests
kb-rate-limited = You have searched very often in a short time. Please wait a minute and try again.
# Suggestions while typing (assets/suggest.js).
contact-suggest-title = These articles may answer your question
contact-suggest-hint = They open in a new tab; your message stays here.
# The customer portal at /help/portal.
kb-portal-prompt = Already wrote to us?
kb-portal-link = See your conversations
kb-chat-prompt = Rather talk now?
kb-chat-link = Chat with us
portal-title = Your conversations
portal-signin-title = Sign in to see your conversations
portal-signin-intro = Enter the email address you write to us from. We will send you a link that signs you in: no password needed.
portal-field-email = Email address
portal-signin-send = Send me a sign-in link
portal-error-email = Enter a valid email address, such as name@example.com.
portal-link-sent-title = Check your email
portal-link-sent = If { $to } is an address we know, a sign-in link is on its way to it. The link works once, within { $minutes } minutes.
portal-rate-limited-title = Too many requests
portal-rate-limited = You have asked for many sign-in links in a short time. Please wait a while and try again.
portal-back = Back to the portal
portal-open-title = Sign in to your conversations
portal-open-intro = Press the button to sign in. The link works only once.
portal-open-button = Sign in
portal-link-invalid-title = This link does not work any more
portal-link-invalid = { $count ->
    [one] Sign-in links work once, within { $count } minute. Ask for a new one.
   *[other] Sign-in links work once, within { $count } minutes. Ask for a new one.
}
portal-empty = You have no conversations with us yet.
portal-sign-out = Sign out
portal-contact = Contact us about something new
portal-status-new = Received
portal-status-open = In progress
portal-status-pending = Waiting for your reply
portal-status-solved = Solved
portal-status-closed = Closed
portal-back-list = All your conversations
portal-you = You
portal-desk = Support team
portal-reply-title = Reply
portal-field-message = Your message
portal-field-files = Files
portal-send = Send
portal-sent = Your message was sent.
portal-error-message = Write a message before sending.
portal-error-answer = Choose whether your problem is solved.
portal-closed = This conversation is closed.
portal-confirm-title = Is your problem solved?
portal-confirm-yes = Yes, it is solved
portal-confirm-no = No, it is not solved
portal-confirmed-yes = Thank you for confirming. We have closed the conversation.
portal-confirmed-no = We are sorry. We have reopened the conversation and will follow up.
portal-forbidden-title = Not allowed
portal-forbidden = This form can only be sent from its own page. Open the page again and retry.
portal-not-found-title = Not found
portal-not-found = There is no such conversation among yours.
portal-error-title = Something went wrong
portal-error = Please try again later.
portal-mail-subject = Your sign-in link
portal-mail-text =
    Hello,

    use this link to sign in and see your conversations with us:

    { $url }

    It works once, within { $minutes } minutes. If you did not ask for it, you can ignore this mail.
