//! One entry of `profiles`, `networks` or `connectors`: deserialize the wire struct, check what
//! can be checked inside the entry, and build the model with the origin of every item.

mod objects;
mod profile;
mod publish;

use std::collections::BTreeMap;

pub use objects::{connector, network};
pub(crate) use profile::is_variable_name;
pub use profile::{parse_expiry, profile, RESERVED_TOKEN_PREFIX};
pub use publish::png_dimensions;

use super::convert::Context;
use super::diagnostic::Diagnostic;
use super::locate::{self, origin, Step};
use super::model::{Origin, TagoId};
use super::rules;
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

/// The entry's `id:` pin, reported at its value when it is not a TagoIO id; `what` names the
/// entry in the message (`profile `acme``).
pub(super) fn pin(
    cx: &Context<'_>,
    id: Option<&str>,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<TagoId> {
    let id = id?;
    let parsed = TagoId::parse(id);
    if parsed.is_none() {
        diagnostics.push(rules::bad_id(
            cx.file,
            node_at(cx, &[key("id")]),
            &format!("the `id` of {what}"),
        ));
    }
    parsed
}
