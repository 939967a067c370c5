//! Network and connector entries: scripts, device parameters, shares, networks used and
//! publication requests.

use std::collections::BTreeMap;

use super::{field_origins, key, node_at, pin};
use crate::config::convert::Context;
use crate::config::deserialize::deserialize;
use crate::config::diagnostic::Diagnostic;
use crate::config::locate::{self, error_at, origin, Step};
use crate::config::model::{
    Connector, ConnectorFields, Integration, Network, NetworkFields, NetworkRef, NetworkTarget,
    Publish, Recipient, ShareTarget, TagoId,
};
use crate::config::{rules, scripts, wire};
use crate::kind::ObjectKind;
use serde::de::DeserializeOwned;

/// `shared_with`: keys in order, each at most once, never the owner itself.
fn share_targets(
    cx: &Context<'_>,
    owner: &str,
    keys: Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ShareTarget> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut targets = Vec::new();
    for (index, target) in keys.into_iter().enumerate() {
        let node = node_at(cx, &[key("shared_with"), Step::Index(index)]);
        if target == owner {
            diagnostics.push(
                error_at(cx.file, node, format!("`{}` is owned by profile `{owner}`; it cannot be shared with its own profile", cx.key))
                    .with_help(format!("remove `{owner}` from shared_with")),
            );
            continue;
        }
        if let Some(first_line) = seen.get(&target) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node,
                    format!(
                        "`{target}` is listed twice in shared_with (first at line {first_line})"
                    ),
                )
                .with_help("remove one of the two"),
            );
            continue;
        }
        seen.insert(target.clone(), node.line);
        targets.push(ShareTarget {
            key: target,
            recipient: Recipient::Profile,
            origin: origin(cx.file, node),
        });
    }
    targets
}

/// The fields both kinds' wire structs have, moved out of either.
struct Common {
    profile: String,
    name: String,
    id: Option<String>,
    delete: bool,
    description: Option<String>,
    logo_url: Option<String>,
    device_parameters: Option<Vec<wire::DeviceParameter>>,
    payload_encoder: Option<String>,
    payload_encoder_file: Option<String>,
    payload_decoder: Option<String>,
    payload_decoder_file: Option<String>,
    shared_with: Option<Vec<String>>,
}

/// Moves the fields of [`Common`] out of a `wire::Network` or `wire::Connector`.
macro_rules! common {
    ($wire:ident) => {
        Common {
            profile: $wire.profile,
            name: $wire.name,
            id: $wire.id,
            delete: $wire.delete,
            description: $wire.description,
            logo_url: $wire.logo_url,
            device_parameters: $wire.device_parameters,
            payload_encoder: $wire.payload_encoder,
            payload_encoder_file: $wire.payload_encoder_file,
            payload_decoder: $wire.payload_decoder,
            payload_decoder_file: $wire.payload_decoder_file,
            shared_with: $wire.shared_with,
        }
    };
}

/// Both kinds' entry once validated: the pin, the scripts read from their files and the
/// shares; `own` and `publish` are the kind's.
fn integration<F>(
    cx: &Context<'_>,
    what: &str,
    wire: Common,
    publish: Option<Publish>,
    own: F,
    diagnostics: &mut Vec<Diagnostic>,
) -> Integration<F> {
    let id = pin(cx, wire.id.as_deref(), what, diagnostics);
    let mut script = |field, text, file| scripts::resolve(cx, field, text, file, diagnostics);
    let payload_encoder = script(
        "payload_encoder",
        wire.payload_encoder,
        wire.payload_encoder_file,
    );
    let payload_decoder = script(
        "payload_decoder",
        wire.payload_decoder,
        wire.payload_decoder_file,
    );
    let shared_with = wire
        .shared_with
        .map(|keys| share_targets(cx, &wire.profile, keys, diagnostics));
    Integration {
        key: cx.key.to_owned(),
        profile: wire.profile,
        name: wire.name,
        id,
        delete: wire.delete,
        description: wire.description,
        logo_url: wire.logo_url,
        device_parameters: wire.device_parameters,
        payload_encoder,
        payload_decoder,
        shared_with,
        publish,
        origin: origin(cx.file, cx.key_node),
        field_origins: field_origins(cx),
        own,
    }
}

/// The entry as its kind's wire struct, with the context that locates what deserializing it
/// removed, and the words messages name it by (`network `lorawan``).
fn read<'a, W: DeserializeOwned>(
    cx: &Context<'a>,
    kind: ObjectKind,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(W, Context<'a>, String)> {
    let what = format!("{kind} `{}`", cx.key);
    let (wire, translation) = deserialize(cx.file, cx.key_node, cx.node, &what, diagnostics)?;
    Some((wire, cx.translated(translation), what))
}

pub fn network(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Network> {
    let (wire, cx, what): (wire::Network, _, _) = read(cx, ObjectKind::Network, diagnostics)?;
    let publish =
        super::publish::network(&cx, wire.publish, wire.description.as_deref(), diagnostics);
    let own = NetworkFields {
        icon_url: wire.icon_url,
        banner_url: wire.banner_url,
        middleware_endpoint: wire.middleware_endpoint,
        documentation_url: wire.documentation_url,
        serial_number: wire.serial_number,
        require_devices_access: wire.require_devices_access,
    };
    let common = common!(wire);
    Some(integration(&cx, &what, common, publish, own, diagnostics))
}

pub fn connector(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Connector> {
    let (wire, cx, what): (wire::Connector, _, _) = read(cx, ObjectKind::Connector, diagnostics)?;
    let publish =
        super::publish::connector(&cx, wire.publish, wire.description.as_deref(), diagnostics);
    let own = ConnectorFields {
        networks: network_refs(&cx, wire.networks, wire.delete, diagnostics),
        install_text: wire.install_text,
        install_end_text: wire.install_end_text,
        device_annotation: wire.device_annotation,
    };
    let common = common!(wire);
    Some(integration(&cx, &what, common, publish, own, diagnostics))
}

/// A kept connector needs at least one network; each listed once; ids well formed.
fn network_refs(
    cx: &Context<'_>,
    refs: Option<Vec<wire::NetworkRef>>,
    delete: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NetworkRef> {
    let help = "list the networks its devices can use: `networks: [<key under networks>]`, or `{id: <network id>}` for a public network or one shared with the profile";
    // Networks already reported as malformed do not count as missing.
    let reported = cx.translation.lost_under(&[key("networks")]);
    match &refs {
        _ if reported => {}
        None if !delete => diagnostics.push(
            error_at(
                cx.file,
                cx.key_node,
                format!("connector `{}` has no network", cx.key),
            )
            .with_help(help),
        ),
        Some(list) if list.is_empty() && !delete => diagnostics.push(
            error_at(
                cx.file,
                node_at(cx, &[key("networks")]),
                format!("connector `{}` has no network", cx.key),
            )
            .with_help(help),
        ),
        _ => {}
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut result = Vec::new();
    for (index, reference) in refs.into_iter().flatten().enumerate() {
        let node = node_at(cx, &[key("networks"), Step::Index(index)]);
        let (identity, target) = match reference {
            wire::NetworkRef::Key(network) => (network.clone(), NetworkTarget::Configured(network)),
            wire::NetworkRef::Id(public) => match TagoId::parse(&public.id) {
                Some(id) => (public.id, NetworkTarget::Public(id)),
                None => {
                    let id_node = locate::value(node, "id").unwrap_or(node);
                    diagnostics.push(rules::bad_id(
                        cx.file,
                        id_node,
                        &format!("the network id in connector `{}`", cx.key),
                    ));
                    continue;
                }
            },
        };
        if let Some(first_line) = seen.get(&identity) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node,
                    format!("network `{identity}` is listed twice (first at line {first_line})"),
                )
                .with_help("remove one of the two"),
            );
            continue;
        }
        seen.insert(identity, node.line);
        result.push(NetworkRef {
            target,
            origin: origin(cx.file, node),
        });
    }
    result
}
