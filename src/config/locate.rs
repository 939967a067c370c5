//! Finding nodes of the located tree by path, and turning them into origins and diagnostics.

use std::path::Path;

use super::diagnostic::Diagnostic;
use super::model::Origin;
use super::yaml::{Entry, Node, Value};

/// One step of a path into the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// The entry of a mapping node with this key.
pub fn entry<'a>(node: &'a Node, key: &str) -> Option<&'a Entry> {
    match &node.value {
        Value::Mapping(entries) => entries.iter().find(|e| e.key_text() == key),
        _ => None,
    }
}

/// The value under this key of a mapping node.
pub fn value<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    entry(node, key).map(|e| &e.value)
}

/// The item at this index of a sequence node.
pub fn item(node: &Node, index: usize) -> Option<&Node> {
    match &node.value {
        Value::Sequence(items) => items.get(index),
        _ => None,
    }
}

/// Where a path leads: the deepest node reached and, when the last step reached was a key,
/// that key's node. Paths that leave the tree stop at the last node they reach.
pub struct Found<'a> {
    pub key: Option<&'a Node>,
    pub value: &'a Node,
    /// Whether every step was found.
    pub complete: bool,
}

pub fn find<'a>(root: &'a Node, path: &[Step]) -> Found<'a> {
    let mut found = Found {
        key: None,
        value: root,
        complete: true,
    };
    for step in path {
        let next = match step {
            Step::Key(key) => entry(found.value, key).map(|e| (Some(&e.key), &e.value)),
            Step::Index(index) => item(found.value, *index).map(|n| (None, n)),
        };
        match next {
            Some((key, value)) => {
                found.key = key;
                found.value = value;
            }
            None => {
                found.complete = false;
                break;
            }
        }
    }
    found
}

/// The origin of a node in a file.
pub fn origin(file: &Path, node: &Node) -> Origin {
    Origin {
        file: file.to_path_buf(),
        line: node.line,
        column: node.column,
    }
}

/// An error pointing at a node, with the caret as wide as the node.
pub fn error_at(file: &Path, node: &Node, message: impl Into<String>) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(file, node.line, node.column, message);
    diagnostic.width = node.width;
    diagnostic
}

/// An error pointing at an origin (used by checks that run on the merged model).
pub fn error_at_origin(origin: &Origin, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(&origin.file, origin.line, origin.column, message)
}

/// Words longer than this get no suggestion: edit distance costs the product of the lengths.
const MAX_SUGGESTED_LEN: usize = 64;

/// The closest of `known` to `unknown`, when it is close enough to be a likely typo.
pub fn closest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if unknown.len() > MAX_SUGGESTED_LEN {
        return None;
    }
    known
        .into_iter()
        .filter(|candidate| candidate.len() <= MAX_SUGGESTED_LEN)
        .map(|candidate| (strsim::damerau_levenshtein(unknown, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= (unknown.chars().count().max(candidate.chars().count()) / 3).max(2)
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// The text of a scalar node (empty for collections).
pub fn text(node: &Node) -> &str {
    match &node.value {
        Value::Scalar { text, .. } => text,
        _ => "",
    }
}
