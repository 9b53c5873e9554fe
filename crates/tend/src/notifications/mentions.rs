//! Who a note mentions: `@` and an agent's name, pure and unit-tested.
//!
//! - `@` starts a mention at the start of the text or after anything but
//!   a letter or digit (so `ana@example.com` mentions nobody).
//! - After it, an agent is named by their whole name (`@Ana Silva`), the
//!   first word of it when no other agent's name starts with that word
//!   (`@Ana`), or the part of their address before the `@` (`@ana.silva`).
//!   Case is folded (Unicode), so `@ANA` and `@ana` are the same.
//! - The longest name that fits wins (`@Ana Silva` is not `@Ana`), and a
//!   name must end at a word's end: `@Anabel` does not mention Ana. Names
//!   ending in Han, kana or Hangul are exempt, since those are written
//!   without spaces (`@田中さん`, `@김민수님`).

/// An agent who may be mentioned.
#[derive(Debug, Clone)]
pub struct Mentionable {
    /// User id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
}

/// The ids of the agents `text` mentions, in the order first mentioned.
pub fn mentioned(text: &str, agents: &[Mentionable]) -> Vec<i64> {
    let handles = handles(agents);
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    for (i, &ch) in chars.iter().enumerate() {
        if ch != '@' || (i > 0 && chars[i - 1].is_alphanumeric()) {
            continue;
        }
        let rest = &chars[i + 1..];
        let best = handles
            .iter()
            .filter(|(h, _)| fits(rest, h))
            .max_by_key(|(h, _)| h.len());
        if let Some((_, ids)) = best {
            for id in ids {
                if !out.contains(id) {
                    out.push(*id);
                }
            }
        }
    }
    out
}

/// Every handle (folded, as characters) and who it names: a whole name
/// names one agent each (two agents of the same name are both named); a
/// first word only when it is nobody else's first word.
fn handles(agents: &[Mentionable]) -> Vec<(Vec<char>, Vec<i64>)> {
    let mut out: Vec<(Vec<char>, Vec<i64>)> = Vec::new();
    let mut add = |h: String, id: i64| {
        let h: Vec<char> = h.chars().collect();
        if h.is_empty() {
            return;
        }
        match out.iter_mut().find(|(x, _)| *x == h) {
            Some((_, ids)) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => out.push((h, vec![id])),
        }
    };
    for a in agents {
        let name = fold(a.name.trim());
        add(name.split_whitespace().collect::<Vec<_>>().join(" "), a.id);
        if let Some((local, _)) = a.email.split_once('@') {
            add(fold(local), a.id);
        }
    }
    let firsts: Vec<(String, i64)> = agents
        .iter()
        .filter_map(|a| {
            let name = fold(a.name.trim());
            let first = name.split_whitespace().next()?.to_string();
            (first != name).then_some((first, a.id))
        })
        .collect();
    for (first, id) in &firsts {
        if firsts.iter().filter(|(f, _)| f == first).count() == 1 {
            add(first.clone(), *id);
        }
    }
    out
}

/// Whether `rest` starts with handle `h` that ends where a word ends.
fn fits(rest: &[char], h: &[char]) -> bool {
    if rest.len() < h.len() {
        return false;
    }
    if rest[..h.len()] != *h {
        return false;
    }
    let Some(last) = h.last() else {
        return false;
    };
    match rest.get(h.len()) {
        None => true,
        Some(next) => !(next.is_alphanumeric() || *next == '_') || unspaced(*last),
    }
}

/// Scripts written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // kana
        | 0x3400..=0x4DBF    // Han extension A
        | 0x4E00..=0x9FFF    // Han
        | 0xF900..=0xFAFF    // Han compatibility
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x1100..=0x11FF) // Hangul jamo
}

/// Case folded for comparison.
fn fold(s: &str) -> String {
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents() -> Vec<Mentionable> {
        let a = |id, name: &str, email: &str| Mentionable {
            id,
            name: name.into(),
            email: email.into(),
        };
        vec![
            a(1, "Ana Silva", "ana.silva@desk.example"),
            a(2, "Bob Stone", "bstone@desk.example"),
            a(3, "田中 花子", "hanako@desk.example"),
            a(4, "김민수", "minsu@desk.example"),
            a(5, "Bob Marley", "marley@desk.example"),
            a(6, "Ēriks Ozoliņš", "eriks@desk.example"),
        ]
    }

    #[test]
    fn whole_names_first_words_and_addresses() {
        let a = agents();
        assert_eq!(mentioned("@Ana Silva please look", &a), [1]);
        assert_eq!(mentioned("@ana, can you?", &a), [1]);
        assert_eq!(mentioned("ping @ANA.SILVA", &a), [1]);
        assert_eq!(mentioned("@bob stone and @marley", &a), [2, 5]);
    }

    #[test]
    fn an_ambiguous_first_word_names_nobody() {
        assert!(mentioned("@Bob help", &agents()).is_empty());
    }

    #[test]
    fn unicode_names_fold_case() {
        let a = agents();
        assert_eq!(mentioned("@ēRIKS ozoliņš skaties", &a), [6]);
        assert_eq!(mentioned("@Ēriks!", &a), [6]);
        assert_eq!(mentioned("@田中 花子 さん", &a), [3]);
        assert_eq!(mentioned("@田中さん確認お願いします", &a), [3]);
        assert_eq!(mentioned("@김민수님 확인 부탁", &a), [4]);
    }

    #[test]
    fn addresses_and_longer_words_are_not_mentions() {
        let a = agents();
        assert!(mentioned("write to ana@example.com", &a).is_empty());
        assert!(mentioned("@Anabel", &a).is_empty());
        assert!(mentioned("no one here", &a).is_empty());
        assert_eq!(mentioned("@Ana @ana @Ana Silva", &a), [1]);
    }
}
