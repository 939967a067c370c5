//! Strings the YAML emitter would write in a way that does not read back as written.
//!
//! The emitter takes U+2028 and U+2029 for line breaks and folds a single-quoted scalar that
//! holds one, indenting inside the string: the name read back is another name, and the round
//! trip plans a rename. It also writes bidirectional controls (U+202E) and invisible
//! characters as they are, so a reviewer reads the text in another order than the loader.
//! Such strings are written double-quoted here, with those characters as `\uXXXX` escapes.

use yaml_serde::Value;

/// True when `text` must be written by [`double_quoted`] rather than by the emitter.
fn needs_escapes(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
            || crate::text::is_bidi_control(c)
            || crate::text::is_invisible(c)
    })
}

/// `text` as a YAML double-quoted scalar: `\` and `"` escaped, and every control, line or
/// paragraph separator, bidirectional or invisible character as `\uXXXX`.
pub fn double_quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}')
                || crate::text::is_bidi_control(c)
                || crate::text::is_invisible(c) =>
            {
                quoted.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Serializes `value` as YAML, writing the strings that need it double-quoted: each is
/// swapped for a plain placeholder that appears nowhere else, and the emitter's text then
/// gets the quoted string in its place.
pub fn to_yaml(mut value: Value) -> Result<String, yaml_serde::Error> {
    let plain = yaml_serde::to_string(&value)?;
    let mut nonce = 0u32;
    let prefix = loop {
        let candidate = format!("tagoform-escaped-{nonce}-");
        if !plain.contains(&candidate) {
            break candidate;
        }
        nonce += 1;
    };
    let mut swapped = Vec::new();
    swap_strings(&mut value, &prefix, &mut swapped);
    if swapped.is_empty() {
        return Ok(plain);
    }
    let mut text = yaml_serde::to_string(&value)?;
    // In reverse: `…-10` is gone before `…-1`, which begins like it, is looked for.
    for (index, original) in swapped.iter().enumerate().rev() {
        text = text.replacen(&format!("{prefix}{index}"), &double_quoted(original), 1);
    }
    Ok(text)
}

fn swap_strings(value: &mut Value, prefix: &str, swapped: &mut Vec<String>) {
    match value {
        Value::String(text) if needs_escapes(text) => {
            let original = std::mem::replace(text, format!("{prefix}{}", swapped.len()));
            swapped.push(original);
        }
        Value::Sequence(items) => {
            for item in items {
                swap_strings(item, prefix, swapped);
            }
        }
        Value::Mapping(mapping) => {
            for (_, item) in mapping.iter_mut() {
                swap_strings(item, prefix, swapped);
            }
        }
        Value::Tagged(tagged) => swap_strings(&mut tagged.value, prefix, swapped),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_direction_overrides_read_back_as_written() {
        let names = [
            "A\u{2028}B C\u{2029}D",
            "invoice\u{202e}fdp.exe",
            "zero\u{200b}width",
            "quote \" and \\ backslash\u{2028}",
            "plain",
        ];
        let mut mapping = yaml_serde::Mapping::new();
        for (index, name) in names.iter().enumerate() {
            mapping.insert(Value::from(format!("k{index}")), Value::from(*name));
        }
        let text = to_yaml(Value::Mapping(mapping)).unwrap();
        assert_eq!(
            text,
            "k0: \"A\\u2028B C\\u2029D\"\nk1: \"invoice\\u202Efdp.exe\"\nk2: \"zero\\u200Bwidth\"\n\
             k3: \"quote \\\" and \\\\ backslash\\u2028\"\nk4: plain\n"
        );
        let back: yaml_serde::Mapping = yaml_serde::from_str(&text).unwrap();
        for (index, name) in names.iter().enumerate() {
            assert_eq!(back[format!("k{index}").as_str()], Value::from(*name));
        }
    }
}
