//! What each filter does to a value: Unicode case, characters not bytes.

/// A filter applied to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Filter {
    Default(String),
    Upper,
    Lower,
    Capitalize,
    Trim,
    Truncate(usize),
}

impl Filter {
    pub(super) fn apply(&self, v: Option<String>) -> Option<String> {
        match self {
            Filter::Default(d) => match v {
                Some(s) if !s.trim().is_empty() => Some(s),
                _ => Some(d.clone()),
            },
            Filter::Upper => v.map(|s| s.to_uppercase()),
            Filter::Lower => v.map(|s| s.to_lowercase()),
            Filter::Capitalize => v.map(|s| capitalize(&s)),
            Filter::Trim => v.map(|s| s.trim().to_string()),
            Filter::Truncate(n) => v.map(|s| truncate(&s, *n)),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Combining marks that belong to the character before them.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0x200D)
}

/// At most `n` characters; a cut text ends in `…` (counted in `n`), and a
/// base character keeps its combining marks.
pub(crate) fn truncate(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_string();
    }
    if n == 0 {
        return String::new();
    }
    let mut keep = n - 1;
    while keep > 0 && chars.get(keep).is_some_and(|c| is_combining(*c)) {
        keep -= 1;
    }
    let mut out: String = chars[..keep].iter().collect();
    out.push('…');
    out
}
