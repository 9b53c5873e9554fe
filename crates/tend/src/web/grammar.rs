//! Grammar that depends on the words a message is filled with, applied to
//! the finished text of a locale: Korean particles chosen by the noun
//! before them (`상태를 열림으로`, `메일로`, not `(으)로`), and Catalan
//! elision (`d'Ana`, not `de Ana`). Catalogues write the neutral forms
//! (`{ $to }(으)로`, `de { $name }`); these rules pick the right one.

/// Korean particles written in both forms, and the form after a noun
/// with a final consonant (batchim) and without one. `(으)로` is special:
/// a final ㄹ takes `로`.
const KO_PAIRS: [(&str, &str, &str); 5] = [
    ("(으)로", "으로", "로"),
    ("이(가)", "이", "가"),
    ("을(를)", "을", "를"),
    ("은(는)", "은", "는"),
    ("과(와)", "과", "와"),
];

/// How the sound before a particle ends, as far as particles care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Vowel,
    /// A final ㄹ.
    Rieul,
    Consonant,
}

/// How a character is read at the end of a word: a Hangul syllable by its
/// final consonant, a digit by its Sino-Korean name, a Latin letter by
/// how its name ends. `None` for anything else (punctuation, Han).
fn ending(c: char) -> Option<Ending> {
    let code = c as u32;
    if (0xAC00..=0xD7A3).contains(&code) {
        return Some(match (code - 0xAC00) % 28 {
            0 => Ending::Vowel,
            8 => Ending::Rieul,
            _ => Ending::Consonant,
        });
    }
    Some(match c.to_ascii_lowercase() {
        // 영 삼 육 (ng, m, k): consonants; 일 칠 팔: ㄹ; 이 사 오 구: vowels.
        '0' | '3' | '6' => Ending::Consonant,
        '1' | '7' | '8' => Ending::Rieul,
        '2' | '4' | '5' | '9' => Ending::Vowel,
        // 엘 (l), 알 (r): ㄹ; 엠 엔 (m, n): consonants; the rest end in vowels.
        'l' | 'r' => Ending::Rieul,
        'm' | 'n' => Ending::Consonant,
        c if c.is_ascii_alphabetic() => Ending::Vowel,
        _ => return None,
    })
}

/// Chooses each Korean particle written in both forms by the word before
/// it; where that cannot be read (nothing before it, or a Han character),
/// both forms stay.
pub fn ko_particles(text: &str) -> String {
    if !text.contains('(') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for (both, after_consonant, after_vowel) in KO_PAIRS {
            if let Some(tail) = rest.strip_prefix(both) {
                // The last character that is read: quotes, brackets and
                // spaces between the noun and the particle are skipped.
                let before = out
                    .chars()
                    .rev()
                    .find(|c| !matches!(c, '"' | '\'' | '»' | '」' | '』' | ')' | ']' | ' '));
                let chosen = match before.and_then(ending) {
                    Some(Ending::Vowel) => after_vowel,
                    Some(Ending::Rieul) if both == "(으)로" => after_vowel,
                    Some(Ending::Rieul | Ending::Consonant) => after_consonant,
                    None => both,
                };
                out.push_str(chosen);
                rest = tail;
                continue 'scan;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Catalan elision of `de` before a vowel or a silent h and a vowel
/// (`de Ana` → `d'Ana`, `de hores` → `d'hores`); not before a glide
/// (`de iogurt`, `de Ueli`) or a number.
pub fn ca_elide(text: &str) -> String {
    if !text.contains("de ") {
        return text.to_string();
    }
    let vowel = |c: char| "aeiouàèéíòóúAEIOUÀÈÉÍÒÓÚ".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("de ") {
        let word_start = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '\'');
        let next: Vec<char> = rest[i + 3..].chars().take(3).collect();
        let starts_vowel = match next.as_slice() {
            // i or u before another vowel is a glide: no elision.
            [a, b, ..] if "iuIU".contains(*a) && vowel(*b) => false,
            [h, a, b, ..] if "hH".contains(*h) && "iuIU".contains(*a) && vowel(*b) => false,
            [h, a, ..] if "hH".contains(*h) => vowel(*a),
            [a, ..] => vowel(*a),
            [] => false,
        };
        out.push_str(&rest[..i]);
        if word_start && starts_vowel {
            out.push_str("d'");
        } else {
            out.push_str("de ");
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_particles_follow_the_noun() {
        assert_eq!(
            ko_particles("상태를 열림(으)로 변경"),
            "상태를 열림으로 변경"
        );
        assert_eq!(ko_particles("상태를 보류(으)로 변경"), "상태를 보류로 변경");
        // A final ㄹ takes 로.
        assert_eq!(ko_particles("메일(으)로 보냄"), "메일로 보냄");
        assert_eq!(ko_particles("민준이(가) 답함"), "민준이 답함");
        assert_eq!(ko_particles("지우이(가) 답함"), "지우가 답함");
        assert_eq!(ko_particles("대화을(를) 열기"), "대화를 열기");
        // Numbers by their Korean names: 3 삼, 2 이, 7 칠.
        assert_eq!(ko_particles("받은편지함 #3(으)로"), "받은편지함 #3으로");
        assert_eq!(ko_particles("받은편지함 #2(으)로"), "받은편지함 #2로");
        assert_eq!(ko_particles("받은편지함 #17(으)로"), "받은편지함 #17로");
        // Latin words by how they are read; quotes are skipped.
        assert_eq!(ko_particles("a@example.com(으)로"), "a@example.com으로");
        assert_eq!(ko_particles("\"vip\"(으)로"), "\"vip\"로");
        // What cannot be read keeps both forms.
        assert_eq!(ko_particles("(으)로"), "(으)로");
        assert_eq!(ko_particles("請求(으)로"), "請求(으)로");
        assert_eq!(ko_particles("괄호 (예시) 없음"), "괄호 (예시) 없음");
    }

    #[test]
    fn catalan_de_elides_before_vowels() {
        assert_eq!(ca_elide("Rol de Ana"), "Rol d'Ana");
        assert_eq!(ca_elide("Missatge de Òscar"), "Missatge d'Òscar");
        assert_eq!(
            ca_elide("l'ha passat de Helena a Pere"),
            "l'ha passat d'Helena a Pere"
        );
        assert_eq!(ca_elide("Missatge de Pere"), "Missatge de Pere");
        // Glides and numbers keep "de".
        assert_eq!(ca_elide("de iogurt"), "de iogurt");
        assert_eq!(ca_elide("de Ueli"), "de Ueli");
        assert_eq!(ca_elide("des de 2026"), "des de 2026");
        // Only the word "de".
        assert_eq!(ca_elide("des de ahir"), "des d'ahir");
        assert_eq!(ca_elide("onde azul"), "onde azul");
    }
}
