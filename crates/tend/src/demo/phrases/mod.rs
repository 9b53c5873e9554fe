//! Hand-written phrase banks, one per language. Messages are built by
//! combining a greeting, a topic sentence, a detail and a sign-off, so a
//! few dozen phrases give many different texts, each wholly in its language.
//!
//! Placeholders: `{n}` an order or invoice number, `{name}` the customer's
//! name, `{agent}` the agent's name.

mod ca;
mod en;
mod ja;
mod ko;
mod lv;

/// One kind of problem a customer writes about.
#[derive(Debug)]
pub struct Topic {
    /// The tag the desk puts on such conversations.
    pub tag: &'static str,
    /// Subject lines.
    pub subjects: &'static [&'static str],
    /// What the customer says is wrong.
    pub problems: &'static [&'static str],
    /// What the agent did about it.
    pub actions: &'static [&'static str],
}

/// Everything needed to write customers and messages in one language.
#[derive(Debug)]
pub struct Bank {
    /// BCP 47 code stored as the conversation language.
    pub code: &'static str,
    /// Put between sentences of one paragraph (Japanese uses none).
    pub sep: &'static str,
    /// Family name first (Japanese, Korean).
    pub family_first: bool,
    /// Put between the parts of a name.
    pub name_sep: &'static str,
    /// Given names: (as written, ASCII for addresses, female).
    pub given: &'static [(&'static str, &'static str, bool)],
    /// Family names: (as written, ASCII).
    pub family: &'static [(&'static str, &'static str)],
    /// Female forms of `family`, index for index (empty when the same).
    pub family_female: &'static [(&'static str, &'static str)],
    /// Mail domains (all under reserved example names: demo data is never
    /// deliverable).
    pub domains: &'static [&'static str],
    /// IANA time zones of customers.
    pub timezones: &'static [&'static str],
    /// Phone number prefix; digits follow.
    pub phone_prefix: &'static str,
    /// Topics, in the same order in every language.
    pub topics: &'static [Topic],
    /// Customer greetings.
    pub hello: &'static [&'static str],
    /// Extra sentences a customer adds.
    pub details: &'static [&'static str],
    /// Customer closings (the name follows on the next line).
    pub sign_off: &'static [&'static str],
    /// Agent greetings, with `{name}`.
    pub agent_hello: &'static [&'static str],
    /// Agent acknowledgements.
    pub agent_ack: &'static [&'static str],
    /// Agent closings (the agent's name follows on the next line).
    pub agent_bye: &'static [&'static str],
    /// Customer replies when it is fixed.
    pub thanks: &'static [&'static str],
    /// Customer replies when it is not fixed yet.
    pub still: &'static [&'static str],
    /// Internal notes between agents.
    pub notes: &'static [&'static str],
    /// Reasons for handing a conversation to another agent.
    pub reasons: &'static [&'static str],
}

/// The five demo languages, in a fixed order.
pub static BANKS: [&Bank; 5] = [&en::BANK, &ja::BANK, &ko::BANK, &lv::BANK, &ca::BANK];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banks_are_complete_and_aligned() {
        for b in BANKS {
            assert_eq!(b.topics.len(), BANKS[0].topics.len(), "{}", b.code);
            for (t, t0) in b.topics.iter().zip(BANKS[0].topics) {
                assert_eq!(
                    t.tag, t0.tag,
                    "{}: topics must be in the same order",
                    b.code
                );
                assert!(!t.subjects.is_empty() && !t.problems.is_empty() && !t.actions.is_empty());
            }
            assert!(b.family_female.is_empty() || b.family_female.len() == b.family.len());
            for list in [
                b.hello,
                b.details,
                b.sign_off,
                b.agent_hello,
                b.agent_ack,
                b.agent_bye,
                b.thanks,
                b.still,
                b.notes,
                b.reasons,
                b.domains,
                b.timezones,
            ] {
                assert!(!list.is_empty(), "{}", b.code);
            }
            assert!(
                b.agent_hello.iter().all(|h| h.contains("{name}")),
                "{}",
                b.code
            );
            for (_, ascii, _) in b.given {
                assert!(ascii.bytes().all(|c| c.is_ascii_lowercase()), "{ascii}");
            }
            for (_, ascii) in b.family.iter().chain(b.family_female) {
                assert!(ascii.bytes().all(|c| c.is_ascii_lowercase()), "{ascii}");
            }
        }
    }
}
