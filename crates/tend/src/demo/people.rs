//! Demo customers and the agents who answer them.

use super::phrases::BANKS;
use super::rng::{Rng, mix};
use super::rows::Agent;

/// Who a customer is; derived from their id alone, so returning customers
/// need no memory.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Index into [`BANKS`].
    pub lang: usize,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub timezone: &'static str,
}

/// The customer with id `id` under `seed`.
pub fn profile(seed: u64, id: i64) -> Profile {
    let mut r = Rng::new(mix(seed ^ mix(id as u64)));
    let lang = r.below(BANKS.len() as u64) as usize;
    let b = BANKS[lang];
    let (given, given_ascii, female) = r.pick(b.given);
    let fi = r.below(b.family.len() as u64) as usize;
    let (family, family_ascii) = if female && !b.family_female.is_empty() {
        b.family_female[fi]
    } else {
        b.family[fi]
    };
    let name = if b.family_first {
        format!("{family}{}{given}", b.name_sep)
    } else {
        format!("{given}{}{family}", b.name_sep)
    };
    let domain = r.pick(b.domains);
    let email = match r.below(4) {
        0 => format!("{given_ascii}.{family_ascii}{id}@{domain}"),
        1 => format!("{}{family_ascii}{id}@{domain}", &given_ascii[..1]),
        2 => format!("{family_ascii}.{given_ascii}{id}@{domain}"),
        _ => format!("{given_ascii}{id}@{domain}"),
    };
    let phone = r
        .chance(0.3)
        .then(|| format!("{}{}", b.phone_prefix, phone_digits(&mut r, b.code)));
    Profile {
        lang,
        name,
        email,
        phone,
        timezone: r.pick(b.timezones),
    }
}

fn phone_digits(r: &mut Rng, lang: &str) -> String {
    match lang {
        "ja" | "ko" => format!("{:04}-{:04}", r.below(10_000), r.below(10_000)),
        "lv" => format!("{:07}", r.below(10_000_000)),
        "ca" => format!("{:08}", r.below(100_000_000)),
        _ => format!("{:03}", r.below(1000)),
    }
}

/// An agent for a conversation in language pool `pool`, other than `not`
/// when there is a choice.
pub(super) fn pick_agent(r: &mut Rng, pool: &[usize], agents: &[Agent], not: Option<i64>) -> usize {
    let at = r.below(pool.len() as u64) as usize;
    let i = pool[at];
    if Some(agents[i].id) == not && pool.len() > 1 {
        pool[(at + 1) % pool.len()]
    } else {
        i
    }
}
