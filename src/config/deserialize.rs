//! Deserializing a located node into a strict wire struct, reporting every error at its place.
//!
//! serde stops at the first error. To report them all, the failing field is removed from a
//! working copy and deserialization is tried again (at most [`MAX_ROUNDS`] times); each error's
//! path (from serde_path_to_error) is mapped back to the original tree to locate it. When the
//! copy finally deserializes, the value is still returned with a [`Translation`], so that the
//! checks inside the entry run too and locate their findings in the original tree.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::de::DeserializeOwned;
use yaml_serde::{Mapping, Number, Value as Yaml};

use super::diagnostic::Diagnostic;
use super::locate::{self, Step};
use super::yaml::{Node, Value};

/// Most errors reported for one entry before giving up on it.
const MAX_ROUNDS: usize = 20;

/// The serde value of a node. Plain scalars are resolved with the YAML 1.2 core schema (null,
/// booleans, integers, floats), as YAML 1.2's core schema does; quoted and block scalars are strings.
pub fn to_yaml(node: &Node) -> Yaml {
    match &node.value {
        Value::Scalar { text, plain: true } => resolve_plain(text),
        Value::Scalar { text, plain: false } => Yaml::String(text.clone()),
        Value::Sequence(items) => Yaml::Sequence(items.iter().map(to_yaml).collect()),
        Value::Mapping(entries) => {
            let mut mapping = Mapping::new();
            for entry in entries {
                mapping.insert(
                    Yaml::String(entry.key_text().to_owned()),
                    to_yaml(&entry.value),
                );
            }
            Yaml::Mapping(mapping)
        }
    }
}

fn resolve_plain(text: &str) -> Yaml {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Yaml::Null,
        "true" | "True" | "TRUE" => return Yaml::Bool(true),
        "false" | "False" | "FALSE" => return Yaml::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Yaml::Number(Number::from(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Yaml::Number(Number::from(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Yaml::Number(Number::from(f64::NAN)),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = u64::from_str_radix(hex, 16) {
            return Yaml::Number(Number::from(n));
        }
    }
    if let Some(octal) = text.strip_prefix("0o") {
        if let Ok(n) = u64::from_str_radix(octal, 8) {
            return Yaml::Number(Number::from(n));
        }
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<u64>() {
            return Yaml::Number(Number::from(n));
        }
        if let Ok(n) = text.parse::<i64>() {
            return Yaml::Number(Number::from(n));
        }
    }
    if is_core_float(digits) {
        if let Ok(f) = text.parse::<f64>() {
            return Yaml::Number(Number::from(f));
        }
    }
    Yaml::String(text.to_owned())
}

/// `[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?` or `\.[0-9]+(...)?`: the core schema's floats.
fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(whole)
        && fraction.is_none_or(all_digits)
        && !(whole.is_empty() && fraction.is_none_or(str::is_empty));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok && (fraction.is_some() || exponent.is_some())
}

/// What was removed from an entry to deserialize it: maps paths in the value back to the
/// tree, and tells which parts were lost (already reported, so not to be checked again).
#[derive(Debug, Default)]
pub struct Translation {
    /// Original indices of the items removed from each sequence, by its original path.
    removed: HashMap<Vec<Step>, Vec<usize>>,
    /// Original paths of what was reported and removed.
    lost: HashSet<Vec<Step>>,
}

impl Translation {
    /// The path in the original tree of a path in the deserialized value.
    pub fn original(&self, path: &[Step]) -> Vec<Step> {
        original_path(path, &self.removed)
    }

    /// Whether anything at or below this original path was reported and removed.
    pub fn lost_under(&self, prefix: &[Step]) -> bool {
        self.lost.iter().any(|path| path.starts_with(prefix))
    }
}

/// Deserializes `node` as `T`, pushing a located diagnostic for every error found. With
/// errors, the value is what remains once the faulty parts are removed; `None` when nothing
/// sensible remains. Long because each kind of serde error (a missing field, an unknown one,
/// a wrong value) is located and removed in its own way within one retry loop.
pub fn deserialize<T: DeserializeOwned>(
    file: &Path,
    key: &Node,
    node: &Node,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(T, Translation)> {
    let mut working = to_yaml(node);
    let mut removed: HashMap<Vec<Step>, Vec<usize>> = HashMap::new();
    let mut reported: HashSet<Vec<Step>> = HashSet::new();
    let mut suggested: HashSet<Vec<Step>> = HashSet::new();
    for _ in 0..MAX_ROUNDS {
        let error = match serde_path_to_error::deserialize::<_, T>(working.clone()) {
            Ok(value) => {
                let translation = Translation {
                    removed,
                    lost: reported,
                };
                return Some((value, translation));
            }
            Err(error) => error,
        };
        let working_path = steps(error.path());
        let path = original_path(&working_path, &removed);
        let message = error.into_inner().to_string();
        if let Some(field) = quoted_after(&message, "missing field `") {
            let mut field_path = path.clone();
            field_path.push(Step::Key(field.to_owned()));
            // Already reported: removed by us, or the fix of a misspelled field we named.
            if !reported.contains(&field_path) && !suggested.contains(&field_path) {
                let found = locate::find(node, &path);
                let at = found
                    .key
                    .unwrap_or(if path.is_empty() { key } else { found.value });
                diagnostics.push(
                    locate::error_at(file, at, format!("missing field `{field}` in {what}"))
                        .with_help(format!("add `{field}: ...`")),
                );
            }
            // The whole struct goes, so that its siblings are still checked.
            if path.is_empty() || !remove(&mut working, &working_path, &path, &mut removed) {
                return None;
            }
            reported.insert(path);
            continue;
        }
        if let Some(field) = quoted_after(&message, "unknown field `") {
            let (mut path, mut working_path) = (path, working_path);
            if path.last() != Some(&Step::Key(field.to_owned())) {
                path.push(Step::Key(field.to_owned()));
                working_path.push(Step::Key(field.to_owned()));
            }
            let found = locate::find(node, &path);
            let at = found.key.unwrap_or(found.value);
            let known: Vec<&str> = backquoted(&message).into_iter().skip(1).collect();
            let help = match locate::closest(field, known.iter().copied()) {
                Some(close) => {
                    let mut close_path = path[..path.len() - 1].to_vec();
                    close_path.push(Step::Key(close.to_owned()));
                    suggested.insert(close_path);
                    format!("did you mean `{close}`?")
                }
                None if known.is_empty() => "remove it".to_owned(),
                None => format!("known fields: {}", known.join(", ")),
            };
            diagnostics.push(
                locate::error_at(file, at, format!("unknown field `{field}` in {what}"))
                    .with_help(help),
            );
            if !remove(&mut working, &working_path, &path, &mut removed) {
                return None;
            }
            reported.insert(path);
            continue;
        }
        let found = locate::find(node, &path);
        diagnostics.push(rewrite(file, found.value, &message, what));
        if path.is_empty() || !remove(&mut working, &working_path, &path, &mut removed) {
            return None;
        }
        reported.insert(path);
    }
    None
}

/// serde's messages, reworded for people editing YAML: what was expected comes first.
fn rewrite(file: &Path, at: &Node, message: &str, what: &str) -> Diagnostic {
    let message = message.trim_end_matches('.');
    for kind in ["invalid type", "invalid value"] {
        if let Some(rest) = message
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix(": "))
        {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                return locate::error_at(
                    file,
                    at,
                    format!("{kind} in {what}: expected {expected}, found {found}"),
                );
            }
        }
    }
    if let Some(value) = quoted_after(message, "unknown variant `") {
        let known: Vec<&str> = backquoted(message).into_iter().skip(1).collect();
        let help = match locate::closest(value, known.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("expected one of `{}`", known.join("`, `")),
        };
        return locate::error_at(file, at, format!("unknown value `{value}` in {what}"))
            .with_help(help);
    }
    locate::error_at(file, at, format!("{message} in {what}"))
}

fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
            _ => None,
        })
        .collect()
}

/// Maps a path in the working copy back to the original tree, skipping removed items.
fn original_path(working: &[Step], removed: &HashMap<Vec<Step>, Vec<usize>>) -> Vec<Step> {
    let mut original = Vec::with_capacity(working.len());
    for step in working {
        let step = match step {
            Step::Index(index) => {
                let gone = removed.get(&original).map(Vec::as_slice).unwrap_or(&[]);
                let mut position = 0;
                let mut kept = 0;
                loop {
                    if !gone.contains(&position) {
                        if kept == *index {
                            break;
                        }
                        kept += 1;
                    }
                    position += 1;
                }
                Step::Index(position)
            }
            key => key.clone(),
        };
        original.push(step);
    }
    original
}

/// Removes the value at `working_path` from the working copy; remembers removed sequence items
/// under their original parent path so that later paths can be mapped back.
fn remove(
    working: &mut Yaml,
    working_path: &[Step],
    path: &[Step],
    removed: &mut HashMap<Vec<Step>, Vec<usize>>,
) -> bool {
    let Some((last, parents)) = working_path.split_last() else {
        return false;
    };
    let mut parent = &mut *working;
    for step in parents {
        let next = match (step, parent) {
            (Step::Key(key), Yaml::Mapping(mapping)) => mapping.get_mut(key.as_str()),
            (Step::Index(index), Yaml::Sequence(items)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(next) => parent = next,
            None => return false,
        }
    }
    match (last, parent, path.split_last()) {
        (Step::Key(key), Yaml::Mapping(mapping), _) => mapping.remove(key.as_str()).is_some(),
        (Step::Index(index), Yaml::Sequence(items), Some((Step::Index(original), parent)))
            if *index < items.len() =>
        {
            items.remove(*index);
            removed.entry(parent.to_vec()).or_default().push(*original);
            true
        }
        _ => false,
    }
}

/// The text between `prefix` and the next backquote.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Every backquoted word of a serde message, in order.
fn backquoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        assert_eq!(resolve_plain("1"), Yaml::Number(1u64.into()));
        assert_eq!(resolve_plain("-3"), Yaml::Number((-3i64).into()));
        assert_eq!(resolve_plain("1.5"), Yaml::Number(1.5f64.into()));
        assert_eq!(resolve_plain("1e3"), Yaml::Number(1000f64.into()));
        assert_eq!(resolve_plain("true"), Yaml::Bool(true));
        assert_eq!(resolve_plain("~"), Yaml::Null);
        assert_eq!(resolve_plain("yes"), Yaml::String("yes".into()));
        assert_eq!(
            resolve_plain("2027-01-31"),
            Yaml::String("2027-01-31".into())
        );
        assert_eq!(resolve_plain("1.2.3"), Yaml::String("1.2.3".into()));
        assert_eq!(resolve_plain("."), Yaml::String(".".into()));
        assert_eq!(resolve_plain("e3"), Yaml::String("e3".into()));
    }
}
