//! One entry of `profiles`, `networks` or `connectors`: deserialize the wire struct, check what
//! can be checked inside the entry, and build the model with the origin of every item.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::convert::Context;
use super::deserialize::deserialize;
use super::diagnostic::Diagnostic;
use super::locate::{self, error_at, origin, Step};
use super::model::{
    Connector, DeviceParameter, Expiry, Member, Network, NetworkRef, NetworkTarget, Origin, Period,
    PeriodUnit, Profile, Publish, Recipient, SerialNumber, ShareTarget, TagoId, Token,
};
use super::yaml::{Node, Value};
use super::{rules, scripts, wire};

/// The node at a path below the entry (the deepest one that exists).
fn node_at<'a>(cx: &Context<'a>, path: &[Step]) -> &'a Node {
    locate::find(cx.node, path).value
}

fn key(name: &str) -> Step {
    Step::Key(name.to_owned())
}

/// Origin of the value of every field the entry sets, by field name.
fn field_origins(cx: &Context<'_>) -> BTreeMap<String, Origin> {
    match &cx.node.value {
        Value::Mapping(entries) => entries
            .iter()
            .map(|e| (e.key_text().to_owned(), origin(cx.file, &e.value)))
            .collect(),
        _ => BTreeMap::new(),
    }
}

pub fn profile(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Profile> {
    let what = format!("profile `{}`", cx.key);
    let wire: wire::Profile = deserialize(cx.file, cx.key_node, cx.node, &what, diagnostics)?;
    let id = wire.id.as_deref().and_then(|id| {
        let parsed = TagoId::parse(id);
        if parsed.is_none() {
            diagnostics.push(rules::bad_id(
                cx.file,
                node_at(cx, &[key("id")]),
                &format!("the `id` of profile `{}`", cx.key),
            ));
        }
        parsed
    });
    if let Some(variable) = &wire.token_env {
        if !is_variable_name(variable) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node_at(cx, &[key("token_env")]),
                    "`token_env` must be the name of an environment variable, not a token",
                )
                .with_help("write the variable's name (letters, digits and `_`), e.g. `TAGOIO_TOKEN_ACME`, and put the token in that variable")
                .hiding_snippet(),
            );
        }
    }
    let team = wire.team.map(|emails| members(cx, emails, diagnostics));
    let tokens = wire
        .tokens
        .map(|tokens| self::tokens(cx, tokens, diagnostics));
    Some(Profile {
        key: cx.key.to_owned(),
        name: wire.name,
        id,
        logo_url: wire.logo_url,
        token_env: wire.token_env,
        exclusive: wire.exclusive,
        delete: wire.delete,
        team,
        tokens,
        origin: origin(cx.file, cx.key_node),
        field_origins: field_origins(cx),
    })
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn members(
    cx: &Context<'_>,
    emails: Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Member> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut members = Vec::new();
    for (index, email) in emails.into_iter().enumerate() {
        let node = node_at(cx, &[key("team"), Step::Index(index)]);
        if !is_email(&email) {
            diagnostics.push(
                error_at(cx.file, node, format!("`{email}` is not an email address"))
                    .with_help("team members are listed by the email of their TagoIO account"),
            );
            continue;
        }
        let identity = email.to_lowercase();
        if let Some(first_line) = seen.get(&identity) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node,
                    format!("`{email}` is listed twice in the team of profile `{}` (first at line {first_line}; emails ignore case)", cx.key),
                )
                .with_help("remove one of the two"),
            );
            continue;
        }
        seen.insert(identity, node.line);
        members.push(Member {
            email,
            origin: origin(cx.file, node),
        });
    }
    members
}

/// One `@`, a non-empty local part, a dotted domain, no spaces: what TagoIO can invite.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

fn tokens(
    cx: &Context<'_>,
    tokens: Vec<wire::Token>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Token> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut result = Vec::new();
    for (index, token) in tokens.into_iter().enumerate() {
        let item = node_at(cx, &[key("tokens"), Step::Index(index)]);
        let name_node = locate::value(item, "name").unwrap_or(item);
        if let Some(first_line) = seen.get(&token.name) {
            diagnostics.push(
                error_at(
                    cx.file,
                    name_node,
                    format!(
                        "two tokens of profile `{}` are named `{}` (first at line {first_line})",
                        cx.key, token.name
                    ),
                )
                .with_help("tokens are managed by name: give each a distinct name"),
            );
            continue;
        }
        seen.insert(token.name.clone(), name_node.line);
        let expires_node = locate::value(item, "expires").unwrap_or(item);
        let expires = match parse_expiry(&token.expires) {
            Ok(Expiry::Date(date)) if date <= cx.today => {
                diagnostics.push(
                    error_at(
                        cx.file,
                        expires_node,
                        format!(
                            "token `{}` would expire on {date}, which is not in the future",
                            token.name
                        ),
                    )
                    .with_help("use a later date, a period such as `90 days`, or `never`"),
                );
                continue;
            }
            Ok(expires) => expires,
            Err(message) => {
                diagnostics.push(
                    error_at(cx.file, expires_node, message).with_help(
                        "write `never`, a date (`2027-01-31`) or a period (`90 days`; units: minutes, hours, days, weeks, months, years)",
                    ),
                );
                continue;
            }
        };
        result.push(Token {
            name: token.name,
            permission: token.permission,
            expires,
            origin: origin(cx.file, item),
        });
    }
    result
}

/// `never`, `YYYY-MM-DD`, or `<n> <unit>` with a unit TagoIO accepts (singular or plural).
pub fn parse_expiry(text: &str) -> Result<Expiry, String> {
    let text = text.trim();
    if text == "never" {
        return Ok(Expiry::Never);
    }
    let unreadable = || format!("cannot read the expiry `{text}`");
    if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Expiry::Date)
            .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"));
    }
    let (amount, unit) = text.split_once(' ').ok_or_else(unreadable)?;
    let amount: u32 = amount.parse().map_err(|_| unreadable())?;
    let unit = unit.trim();
    let unit = PeriodUnit::ALL
        .into_iter()
        .find(|u| unit == u.plural() || unit == u.plural().trim_end_matches('s'))
        .ok_or_else(unreadable)?;
    if amount == 0 {
        return Err(format!(
            "the expiry `{text}` is zero: the token would never be usable"
        ));
    }
    Ok(Expiry::Period(Period { amount, unit }))
}

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

fn publish(cx: &Context<'_>, publish: Option<wire::Publish>) -> Option<Publish> {
    publish.map(|p| Publish {
        message: p.message,
        origin: origin(
            cx.file,
            locate::entry(cx.node, "publish").map_or(cx.node, |e| &e.key),
        ),
    })
}

fn device_parameters(
    parameters: Option<Vec<wire::DeviceParameter>>,
) -> Option<Vec<DeviceParameter>> {
    parameters.map(|list| {
        list.into_iter()
            .map(|p| DeviceParameter {
                name: p.name,
                label: p.label,
                kind: p.kind,
                default: p.default,
                group: p.group,
                options: p.options,
            })
            .collect()
    })
}

fn serial_number(serial: Option<wire::SerialNumber>) -> Option<SerialNumber> {
    serial.map(|s| SerialNumber {
        mask: s.mask,
        label: s.label,
        image: s.image,
        case: s.case,
        help: s.help,
        required: s.required,
    })
}

pub fn network(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Network> {
    let what = format!("network `{}`", cx.key);
    let wire: wire::Network = deserialize(cx.file, cx.key_node, cx.node, &what, diagnostics)?;
    let payload_encoder = scripts::resolve(
        cx,
        "payload_encoder",
        wire.payload_encoder,
        wire.payload_encoder_file,
        diagnostics,
    );
    let payload_decoder = scripts::resolve(
        cx,
        "payload_decoder",
        wire.payload_decoder,
        wire.payload_decoder_file,
        diagnostics,
    );
    let shared_with = wire
        .shared_with
        .map(|keys| share_targets(cx, &wire.profile, keys, diagnostics));
    let publish = publish(cx, wire.publish);
    Some(Network {
        key: cx.key.to_owned(),
        profile: wire.profile,
        name: wire.name,
        delete: wire.delete,
        description: wire.description,
        logo_url: wire.logo_url,
        icon_url: wire.icon_url,
        banner_url: wire.banner_url,
        device_parameters: device_parameters(wire.device_parameters),
        middleware_endpoint: wire.middleware_endpoint,
        payload_encoder,
        payload_decoder,
        documentation_url: wire.documentation_url,
        serial_number: serial_number(wire.serial_number),
        require_devices_access: wire.require_devices_access,
        shared_with,
        publish,
        origin: origin(cx.file, cx.key_node),
        field_origins: field_origins(cx),
    })
}

pub fn connector(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Connector> {
    let what = format!("connector `{}`", cx.key);
    let wire: wire::Connector = deserialize(cx.file, cx.key_node, cx.node, &what, diagnostics)?;
    let networks = network_refs(cx, wire.networks, wire.delete, diagnostics);
    let payload_encoder = scripts::resolve(
        cx,
        "payload_encoder",
        wire.payload_encoder,
        wire.payload_encoder_file,
        diagnostics,
    );
    let payload_decoder = scripts::resolve(
        cx,
        "payload_decoder",
        wire.payload_decoder,
        wire.payload_decoder_file,
        diagnostics,
    );
    let shared_with = wire
        .shared_with
        .map(|keys| share_targets(cx, &wire.profile, keys, diagnostics));
    let publish = publish(cx, wire.publish);
    Some(Connector {
        key: cx.key.to_owned(),
        profile: wire.profile,
        name: wire.name,
        delete: wire.delete,
        networks,
        description: wire.description,
        logo_url: wire.logo_url,
        device_parameters: device_parameters(wire.device_parameters),
        payload_encoder,
        payload_decoder,
        install_text: wire.install_text,
        install_end_text: wire.install_end_text,
        device_annotation: wire.device_annotation,
        shared_with,
        publish,
        origin: origin(cx.file, cx.key_node),
        field_origins: field_origins(cx),
    })
}

/// A kept connector needs at least one network; each listed once; ids well formed.
fn network_refs(
    cx: &Context<'_>,
    refs: Option<Vec<wire::NetworkRef>>,
    delete: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<NetworkRef> {
    let help = "list the networks its devices can use: `networks: [<key under networks>]`, or `{id: <network id>}` for a public network";
    match &refs {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_forms() {
        assert_eq!(parse_expiry("never"), Ok(Expiry::Never));
        assert_eq!(
            parse_expiry("90 days"),
            Ok(Expiry::Period(Period {
                amount: 90,
                unit: PeriodUnit::Days
            }))
        );
        assert_eq!(
            parse_expiry("1 month"),
            Ok(Expiry::Period(Period {
                amount: 1,
                unit: PeriodUnit::Months
            }))
        );
        assert_eq!(
            parse_expiry("2027-01-31").map(|e| e.to_string()),
            Ok("2027-01-31".to_owned())
        );
        assert_eq!(
            parse_expiry("2027-02-30"),
            Err("`2027-02-30` is not a date (YYYY-MM-DD)".to_owned())
        );
        assert_eq!(
            parse_expiry("soon"),
            Err("cannot read the expiry `soon`".to_owned())
        );
        assert_eq!(
            parse_expiry("3 fortnights"),
            Err("cannot read the expiry `3 fortnights`".to_owned())
        );
        assert!(parse_expiry("0 days").is_err());
    }

    #[test]
    fn emails() {
        assert!(is_email("alice@acme.example"));
        assert!(!is_email("alice"));
        assert!(!is_email("alice@acme"));
        assert!(!is_email("a b@acme.example"));
        assert!(!is_email("@acme.example"));
        assert!(!is_email("a@b@acme.example"));
    }
}
