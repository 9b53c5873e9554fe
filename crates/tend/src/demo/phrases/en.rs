//! English.

use super::{Bank, Topic};

pub static BANK: Bank = Bank {
    code: "en",
    sep: " ",
    family_first: false,
    name_sep: " ",
    given: &[
        ("Emily", "emily", true),
        ("James", "james", false),
        ("Olivia", "olivia", true),
        ("Michael", "michael", false),
        ("Sarah", "sarah", true),
        ("David", "david", false),
        ("Jessica", "jessica", true),
        ("Daniel", "daniel", false),
        ("Hannah", "hannah", true),
        ("Thomas", "thomas", false),
        ("Grace", "grace", true),
        ("Ryan", "ryan", false),
    ],
    family: &[
        ("Smith", "smith"),
        ("Johnson", "johnson"),
        ("Williams", "williams"),
        ("Brown", "brown"),
        ("Taylor", "taylor"),
        ("Wilson", "wilson"),
        ("Davies", "davies"),
        ("Evans", "evans"),
        ("Thompson", "thompson"),
        ("Walker", "walker"),
        ("Clarke", "clarke"),
        ("Wright", "wright"),
    ],
    family_female: &[],
    domains: &[
        "example.com",
        "example.org",
        "mail.example.net",
        "example.co.uk",
    ],
    timezones: &[
        "Europe/London",
        "America/New_York",
        "America/Chicago",
        "Australia/Sydney",
    ],
    phone_prefix: "+44 7700 900",
    topics: &[
        Topic {
            tag: "billing",
            subjects: &[
                "Question about invoice {n}",
                "Charged twice this month",
                "VAT number missing on my invoice",
            ],
            problems: &[
                "I was charged twice for my subscription this month (invoice {n}).",
                "Invoice {n} shows the wrong company address and our VAT number is missing.",
            ],
            actions: &[
                "I have checked your account and refunded the duplicate charge; it should appear on your statement within five business days.",
                "I have corrected the billing details and attached a new copy of invoice {n} to this message.",
            ],
        },
        Topic {
            tag: "login",
            subjects: &[
                "Can't log in to my account",
                "Password reset email never arrives",
                "Locked out after changing two-factor settings",
            ],
            problems: &[
                "I can't log in since yesterday; the page just says my password is wrong.",
                "I requested a password reset three times but the email never arrives.",
            ],
            actions: &[
                "I have sent a fresh reset link to your address; it is valid for 24 hours.",
                "Your account was locked after too many attempts. I have unlocked it, so you can sign in again now.",
            ],
        },
        Topic {
            tag: "shipping",
            subjects: &[
                "Where is my order {n}?",
                "Parcel marked delivered but not received",
                "Delivery address change for order {n}",
            ],
            problems: &[
                "My order {n} was supposed to arrive last week, but the tracking has not changed for five days.",
                "The tracking page says my parcel was delivered, but nothing arrived at my door.",
            ],
            actions: &[
                "I contacted the courier and they confirmed the parcel is at the local depot; it will be delivered tomorrow.",
                "I have opened an investigation with the carrier and we will send a replacement if the parcel is not found by Friday.",
            ],
        },
        Topic {
            tag: "refund",
            subjects: &[
                "Refund request for order {n}",
                "Still waiting for my refund",
                "Item arrived damaged",
            ],
            problems: &[
                "I returned the item from order {n} two weeks ago and I have not received my refund yet.",
                "The item arrived damaged and I would like a refund rather than a replacement.",
            ],
            actions: &[
                "I have issued a full refund for order {n}; banks usually take three to five business days to show it.",
                "I have approved the return and emailed you a prepaid shipping label.",
            ],
        },
        Topic {
            tag: "bug",
            subjects: &[
                "Error when exporting reports",
                "App crashes on startup",
                "Page keeps loading forever",
            ],
            problems: &[
                "When I try to export the monthly report as CSV I get an error saying something went wrong.",
                "Since the last update the app crashes as soon as I open it.",
            ],
            actions: &[
                "Our engineers found the cause and a fix will be released this week; in the meantime the PDF export works as a workaround.",
                "Could you please clear the cache and try again? If it still fails, please send us a screenshot of the error.",
            ],
        },
        Topic {
            tag: "account",
            subjects: &[
                "How do I cancel my subscription?",
                "Change the email address on my account",
                "Upgrade to the annual plan",
            ],
            problems: &[
                "I would like to cancel my subscription at the end of this billing period.",
                "I need to change the email address on my account because I am leaving my current company.",
            ],
            actions: &[
                "I have scheduled the cancellation for the end of the current period, so you keep access until then.",
                "I have updated your account as requested; you will receive a confirmation email shortly.",
            ],
        },
    ],
    hello: &["Hello,", "Hi there,", "Good morning,"],
    details: &[
        "I have already tried logging out and back in.",
        "This is quite urgent as we have a deadline on Friday.",
        "I attached a screenshot in case it helps.",
        "My account is registered under this email address.",
    ],
    sign_off: &["Thanks in advance,", "Best regards,", "Kind regards,"],
    agent_hello: &["Hi {name},", "Hello {name},"],
    agent_ack: &[
        "Thank you for getting in touch, and sorry for the trouble.",
        "Thanks for the details, that really helps.",
        "I'm sorry about the wait.",
    ],
    agent_bye: &[
        "Let me know if there is anything else I can do.\n\nBest regards,",
        "Have a great day!\n\nKind regards,",
    ],
    thanks: &[
        "That worked, thank you so much!",
        "Great, everything looks fine now. Thanks for the quick help.",
    ],
    still: &[
        "Unfortunately it still doesn't work; I get the same error.",
        "Thanks, but I still haven't received anything. Could you check again?",
    ],
    notes: &[
        "Checked the logs: the payment gateway timed out twice for this customer.",
        "Long-time customer, please handle with care.",
        "Escalated to the engineering team, issue linked.",
        "Waiting for the courier to confirm the delivery status.",
    ],
    reasons: &[
        "This needs someone from billing.",
        "Going on holiday, handing this over.",
    ],
};
