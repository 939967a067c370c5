//! One entry of `profiles`, `networks` or `connectors`: deserialize the wire struct, check what
//! can be checked inside the entry, and build the model with the origin of every item.

mod objects;
mod profile;

use std::collections::BTreeMap;

pub use objects::{connector, network};
pub use profile::profile;

use super::convert::Context;
use super::locate::{self, origin, Step};
use super::model::Origin;
use super::yaml::{Node, Value};

/// The node at a path below the entry (the deepest one that exists).
pub(super) fn node_at<'a>(cx: &Context<'a>, path: &[Step]) -> &'a Node {
    locate::find(cx.node, &cx.translation.original(path)).value
}

pub(super) fn key(name: &str) -> Step {
    Step::Key(name.to_owned())
}

/// Origin of the value of every field the entry sets, by field name.
pub(super) fn field_origins(cx: &Context<'_>) -> BTreeMap<String, Origin> {
    match &cx.node.value {
        Value::Mapping(entries) => entries
            .iter()
            .map(|e| (e.key_text().to_owned(), origin(cx.file, &e.value)))
            .collect(),
        _ => BTreeMap::new(),
    }
}
