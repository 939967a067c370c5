//! Text from the configuration or from TagoIO, made safe to print in one line of a plan, a
//! diagnostic or an error. Data only: `config`, `api` and `render` all use it.
//!
//! A name can hold characters that change how the text around them looks: a right-to-left
//! override reorders what follows it, so `evil\u{202e}txt.exe` reads as `evilexe.txt`, and a
//! newline or an escape sequence could forge a line of the plan or repaint a terminal. A
//! reviewer must see what will be applied, so such characters are printed as `\u{...}`.

use std::borrow::Cow;

/// Unicode's bidirectional formatting characters (marks, embeddings, overrides, isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that print as nothing at all (zero-width space, joiners, word joiner, byte
/// order mark, soft hyphen): `a\u{200b}lice@...` prints exactly like `alice@...`.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// `text` with control characters (a tab excepted), the line and paragraph separators (line
/// breaks to YAML 1.1), bidirectional formatting characters and invisible characters written
/// as `\u{...}`; borrowed when there is none, which is nearly
/// always.
pub fn visible(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{2028}' | '\u{2029}')
            || is_bidi_control(c)
            || is_invisible(c)
    };
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn direction_overrides_newlines_and_escapes_are_shown_not_obeyed() {
        assert_eq!(visible("ACME TH Sensor"), "ACME TH Sensor");
        assert!(matches!(
            visible("São Paulo\tGarage"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(visible("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(
            visible("a\n  + share connector `x`"),
            "a\\u{a}  + share connector `x`"
        );
        assert_eq!(visible("\u{1b}[2Jx\u{2067}y"), "\\u{1b}[2Jx\\u{2067}y");
    }
}

/// A whole number with a comma between thousands (`25,000`), as TagoIO's Billing page and
/// a reviewer read amounts.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod thousands_tests {
    #[test]
    fn groups_by_three_from_the_right() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (25000, "25,000"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), text);
        }
    }
}
