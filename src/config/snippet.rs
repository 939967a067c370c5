//! The source line shown under a diagnostic, with the value of anything that looks like a
//! credential masked: a configuration that wrongly holds a token must not print it back.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::diagnostic::Diagnostic;
use super::yaml::is_credential_key;

/// The text of every file read, by the path diagnostics show.
pub type Sources = BTreeMap<PathBuf, String>;

/// Lines longer than this are not shown under a diagnostic.
const MAX_SNIPPET_CHARS: usize = 240;

/// Puts the offending source line under each diagnostic that has none and may show one.
pub fn attach(diagnostics: &mut [Diagnostic], sources: &Sources) {
    // Where each line starts, per file, computed once: many diagnostics in a large file must
    // not each scan it from the top.
    let mut starts: BTreeMap<&PathBuf, Vec<usize>> = BTreeMap::new();
    for diagnostic in diagnostics {
        if diagnostic.snippet.is_some() || diagnostic.hide_snippet {
            continue;
        }
        let Some((path, text)) = sources.get_key_value(&diagnostic.file) else {
            continue;
        };
        let starts = starts.entry(path).or_insert_with(|| line_starts(text));
        let Some(&start) = starts.get(diagnostic.line.saturating_sub(1)) else {
            continue;
        };
        let rest = &text[start..];
        let line = rest
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end_matches('\r');
        // Cut first, then mask: masking looks at every `:`, so a long line (a megabyte of
        // them, say) must never reach it.
        if line.trim().is_empty()
            || line.chars().take(MAX_SNIPPET_CHARS + 1).count() > MAX_SNIPPET_CHARS
        {
            continue;
        }
        let line = mask_credentials(&line.replace('\t', " "));
        if diagnostic.width == 0 {
            diagnostic.width = word_width(&line, diagnostic.column);
        }
        diagnostic.snippet = Some(line);
    }
}

/// The byte offset of the start of every line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// Replaces everything after the first `key:` whose key looks like a credential.
fn mask_credentials(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    for (at, &c) in chars.iter().enumerate() {
        if c != ':' {
            continue;
        }
        let word: String = chars[..at]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '"' | '\''))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .filter(|c| !matches!(c, '"' | '\''))
            .collect();
        let value_follows = chars[at + 1..].iter().any(|c| !c.is_whitespace());
        if is_credential_key(&word) && value_follows {
            let kept: String = chars[..=at].iter().collect();
            return format!("{kept} <redacted>");
        }
    }
    line.to_owned()
}

/// The width of the YAML scalar starting at a 1-based column: up to `: ` or a comment, and
/// inside `[...]` or `{...}` also up to `,`, `]` or `}`.
fn word_width(line: &str, column: usize) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let depth: i32 = chars[..start]
        .iter()
        .map(|c| match c {
            '[' | '{' => 1,
            ']' | '}' => -1,
            _ => 0,
        })
        .sum();
    let mut end = start;
    while end < chars.len() {
        let c = chars[end];
        let next = chars.get(end + 1).copied().unwrap_or(' ');
        let stop = (c == ':' && next == ' ')
            || (c == '#' && end > start && chars[end - 1] == ' ')
            || (depth > 0 && matches!(c, ',' | ']' | '}'));
        if stop {
            break;
        }
        end += 1;
    }
    chars[start..end]
        .iter()
        .collect::<String>()
        .trim_end()
        .chars()
        .count()
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_end_where_yaml_ends_them() {
        assert_eq!(
            word_width("    name: ACME LoRaWAN  # the live name", 11),
            12
        );
        assert_eq!(word_width("    shared_with: [acme-old, globex]", 19), 8);
        assert_eq!(word_width("  globex: 64f1", 3), 6);
        assert_eq!(word_width("  - {name: x, permission: admin}", 27), 5);
    }

    #[test]
    fn credentials_are_masked_in_any_style() {
        assert_eq!(mask_credentials("    token: abc"), "    token: <redacted>");
        assert_eq!(
            mask_credentials("  - {name: x, password: hunter2}"),
            "  - {name: x, password: <redacted>"
        );
        assert_eq!(
            mask_credentials("  \"api_token\": 'x'"),
            "  \"api_token\": <redacted>"
        );
        assert_eq!(
            mask_credentials("    token_env: TAGOIO_TOKEN"),
            "    token_env: TAGOIO_TOKEN"
        );
        assert_eq!(mask_credentials("    tokens:"), "    tokens:");
    }
}
