//! Keys for exported objects: readable, unique, and stable.
//!
//! A key is the slug of the live name (`ACME Production` → `acme-production`). Keys depend
//! only on names and ids, never on the order things were read, so exporting the same account
//! again gives the same keys. Profile keys are made over every profile of the account, so
//! they do not change with `--profile` either; network and connector keys are made over the
//! objects exported together (a name another exported profile also uses gets qualified).
//! When slugs collide, the colliding keys get a qualifier (the owning profile's key, the
//! kind, then the end of the id); a name that collides with nothing keeps its plain slug.

use std::collections::{BTreeMap, BTreeSet};

/// Keys the configuration loader refuses anywhere because they look like credentials.
const CREDENTIAL_KEYS: [&str; 4] = ["token", "password", "secret", "pin"];

/// The longest slug of a name. Keys add at most a profile key, a kind and a 24-character id to
/// it, which keeps every exported file name well under the 255 bytes file systems allow.
pub const MAX_SLUG_CHARS: usize = 48;

/// A key as the end of an environment variable's name: `acme-prod` → `ACME_PROD`.
pub fn variable_suffix(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c.to_ascii_uppercase(),
            _ => '_',
        })
        .collect()
}

/// Whether `prefix` can start an environment variable's name (`TAGOIO_TOKEN_`).
pub fn is_variable_prefix(prefix: &str) -> bool {
    let mut chars = prefix.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `ACME Production (EU)` → `acme-production-eu`; `fallback` when nothing is left.
pub fn slug(name: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    // A key becomes a file name (`<key>.yaml`, `decoders/<key>.js`): a 300-character name
    // must not exceed what a file system allows once the id is appended.
    slug.truncate(MAX_SLUG_CHARS);
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug = fallback.to_owned();
    }
    if CREDENTIAL_KEYS.contains(&slug.as_str()) {
        slug = format!("{slug}-{fallback}");
    }
    slug
}

/// The end of an id (the counter part of a TagoIO id, which tells ids of the same day apart).
pub fn id_suffix(id: &str) -> &str {
    let start = id.len().saturating_sub(6);
    id.get(start..).unwrap_or(id)
}

/// One thing that needs a key: its candidates, most readable first. The last candidate must
/// be unique on its own (it carries the whole id).
pub struct Wanted {
    pub id: String,
    pub candidates: Vec<String>,
}

/// Gives every wanted thing the first of its candidates that no other thing also wants at
/// that level and that is not already taken. Returns keys by id.
///
/// Level by level: at level 0 every thing asks for its first candidate; a candidate asked for
/// by two things is given to neither, and both move on to their next candidate. So two
/// profiles named `Acme` both become `acme-<id end>`, and neither keeps `acme` (which one
/// would otherwise depend on reading order).
pub fn assign(wanted: &[Wanted], taken: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    let mut claimed: BTreeSet<String> = taken.clone();
    let depth = wanted.iter().map(|w| w.candidates.len()).max().unwrap_or(0);
    for level in 0..depth {
        let mut demand: BTreeMap<&str, usize> = BTreeMap::new();
        let pending: Vec<&Wanted> = wanted
            .iter()
            .filter(|w| !keys.contains_key(&w.id))
            .collect();
        for thing in &pending {
            if let Some(candidate) = candidate_at(thing, level) {
                *demand.entry(candidate).or_default() += 1;
            }
        }
        for thing in pending {
            let Some(candidate) = candidate_at(thing, level) else {
                continue;
            };
            let last = level + 1 >= thing.candidates.len();
            let alone = demand.get(candidate) == Some(&1);
            if (alone || last) && !claimed.contains(candidate) {
                claimed.insert(candidate.to_owned());
                keys.insert(thing.id.clone(), candidate.to_owned());
            }
        }
    }
    // Whatever is left (a full-id candidate already taken: only by a hostile name) gets a
    // numbered key, in id order.
    for thing in wanted {
        if keys.contains_key(&thing.id) {
            continue;
        }
        let base = thing
            .candidates
            .last()
            .cloned()
            .unwrap_or_else(|| thing.id.clone());
        let mut number = 2;
        let key = loop {
            let key = format!("{base}-{number}");
            if !claimed.contains(&key) {
                break key;
            }
            number += 1;
        };
        claimed.insert(key.clone());
        keys.insert(thing.id.clone(), key);
    }
    keys
}

fn candidate_at(thing: &Wanted, level: usize) -> Option<&str> {
    thing
        .candidates
        .get(level)
        .or(thing.candidates.last())
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(
            slug("ACME Production (EU)", "profile"),
            "acme-production-eu"
        );
        assert_eq!(slug("  --Northwind__IoT-- ", "profile"), "northwind-iot");
        assert_eq!(slug("Übersicht", "network"), "bersicht");
        assert_eq!(slug("日本", "network"), "network");
        assert_eq!(slug("Token", "profile"), "token-profile");
        assert_eq!(slug("PIN", "connector"), "pin-connector");
    }

    #[test]
    fn id_suffix_is_the_last_six_characters() {
        assert_eq!(id_suffix("64f1c2a9e3b1d40012ab34cd"), "ab34cd");
        assert_eq!(id_suffix("abc"), "abc");
    }

    fn want(id: &str, candidates: &[&str]) -> Wanted {
        Wanted {
            id: id.to_owned(),
            candidates: candidates.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn colliding_slugs_all_move_to_their_next_candidate() {
        let wanted = [
            want("1", &["acme", "acme-000001"]),
            want("2", &["acme", "acme-000002"]),
            want("3", &["globex", "globex-000003"]),
        ];
        let keys = assign(&wanted, &BTreeSet::new());
        assert_eq!(keys["1"], "acme-000001");
        assert_eq!(keys["2"], "acme-000002");
        assert_eq!(keys["3"], "globex");
    }

    #[test]
    fn keys_do_not_depend_on_order() {
        let a = [
            want("1", &["x", "p-x", "x-1"]),
            want("2", &["x", "q-x", "x-2"]),
        ];
        let b = [
            want("2", &["x", "q-x", "x-2"]),
            want("1", &["x", "p-x", "x-1"]),
        ];
        assert_eq!(assign(&a, &BTreeSet::new()), assign(&b, &BTreeSet::new()));
        assert_eq!(assign(&a, &BTreeSet::new())["1"], "p-x");
    }

    #[test]
    fn taken_keys_are_never_given() {
        let taken: BTreeSet<String> = ["acme".to_owned()].into();
        let keys = assign(&[want("1", &["acme", "acme-000001"])], &taken);
        assert_eq!(keys["1"], "acme-000001");
        let keys = assign(&[want("1", &["acme"])], &taken);
        assert_eq!(keys["1"], "acme-2");
    }
}
