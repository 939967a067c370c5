//! Networks and connectors: their fields, their shares, and where their `publish:` stands.
//!
//! A field the configuration leaves out is left as it is on TagoIO, so only the fields it sets
//! are compared. Values are compared as JSON with nulls dropped, so "unset" and "null" on
//! either side are the same thing.

use std::collections::BTreeMap;

use serde_json::Value;

use super::operation::{
    FieldChange, Notice, ObjectRef, OperationKind, ProfileRef, PublicationStatus,
};
use super::order::{Draft, Drafts};
use crate::catalog_id as id;
use crate::config::{
    DeviceParameter, Integration, OwnFields, Publish, Script, ShareTarget, Version,
};
use crate::live::{Id, LiveObject, LiveSnapshot, ObjectKind};

/// A configured field's value: JSON, or a script's text borrowed from the configuration
/// (decoders run to kilobytes, and copying each one only to compare it would cost more than
/// the rest of the diff).
pub enum FieldValue<'a> {
    Json(Value),
    Text(&'a str),
}

impl FieldValue<'_> {
    fn to_value(&self) -> Value {
        match self {
            FieldValue::Json(value) => value.clone(),
            FieldValue::Text(text) => Value::String((*text).to_owned()),
        }
    }

    /// Whether a live value (nulls dropped) is this one, compared in place.
    fn matches(&self, live: &Value) -> bool {
        match self {
            FieldValue::Json(value) => same_without_nulls(live, value),
            FieldValue::Text(text) => live.as_str() == Some(*text),
        }
    }
}

/// Configured fields by API name.
pub type Fields<'a> = BTreeMap<&'static str, FieldValue<'a>>;

/// The fields every configured network or connector may set, by API name (decoders as
/// plain text).
fn common_fields<F>(object: &Integration<F>) -> Fields<'_> {
    let mut fields = BTreeMap::new();
    set(&mut fields, "description", &object.description);
    set(&mut fields, "logo_url", &object.logo_url);
    set_parameters(&mut fields, &object.device_parameters);
    set_script(&mut fields, "payload_encoder", &object.payload_encoder);
    set_script(&mut fields, "payload_decoder", &object.payload_decoder);
    fields
}

/// The fields a configured network or connector sets, by API name: the common ones, then
/// those of its kind, read by serializing `own` and kept when the kind's declared list
/// ([`ObjectKind::managed_fields`]) names them (a connector's `networks`, resolved to ids
/// against the live state, is not one).
pub fn configured_fields<F: OwnFields>(object: &Integration<F>) -> Fields<'_> {
    let mut fields = common_fields(object);
    if let Ok(Value::Object(own)) = serde_json::to_value(&object.own) {
        for (name, value) in own {
            let managed = F::KIND.managed_fields().iter().find(|n| **n == name);
            if let (Some(name), false) = (managed, value.is_null()) {
                fields.insert(name, FieldValue::Json(without_nulls(value)));
            }
        }
    }
    fields
}

fn set<T: serde::Serialize>(fields: &mut Fields<'_>, name: &'static str, value: &Option<T>) {
    if let Some(value) = value {
        if let Ok(value) = serde_json::to_value(value) {
            fields.insert(name, FieldValue::Json(without_nulls(value)));
        }
    }
}

fn set_script<'a>(fields: &mut Fields<'a>, name: &'static str, script: &'a Option<Script>) {
    if let Some(script) = script {
        fields.insert(name, FieldValue::Text(&script.text));
    }
}

fn set_parameters(fields: &mut Fields<'_>, parameters: &Option<Vec<DeviceParameter>>) {
    set(fields, "device_parameters", parameters);
}

/// Drops `null` members of objects, recursively: TagoIO leaves unset fields out or sends null.
pub fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The changes that make `live` carry the configured fields; every field on create.
pub fn field_changes(desired: &Fields<'_>, live: Option<&LiveObject>) -> Vec<FieldChange> {
    desired
        .iter()
        .filter_map(|(field, new)| {
            let live_value = live.and_then(|object| object.fields.get(*field));
            // Compared in place; values are copied only into a change.
            if live_value.is_some_and(|value| new.matches(value)) {
                return None;
            }
            let new = new.to_value();
            let old = live_value
                .cloned()
                .map(without_nulls)
                .filter(|value| !value.is_null());
            (old.as_ref() != Some(&new)).then(|| FieldChange::new(field, old, new))
        })
        .collect()
}

/// `without_nulls(live.clone()) == *desired`, without the copy. `desired` holds no null
/// member (the configured fields went through [`without_nulls`]).
fn same_without_nulls(live: &Value, desired: &Value) -> bool {
    match (live, desired) {
        (Value::Object(live), Value::Object(desired)) => {
            let present = live.iter().filter(|(_, value)| !value.is_null());
            present.clone().count() == desired.len()
                && present.into_iter().all(|(key, value)| {
                    desired
                        .get(key)
                        .is_some_and(|wanted| same_without_nulls(value, wanted))
                })
        }
        (Value::Array(live), Value::Array(desired)) => {
            live.len() == desired.len()
                && live
                    .iter()
                    .zip(desired)
                    .all(|(value, wanted)| same_without_nulls(value, wanted))
        }
        _ => live == desired,
    }
}

/// Who a configured share goes to, with the draft that creates the recipient, if any.
#[derive(Clone)]
pub struct ResolvedRecipient {
    pub recipient: ProfileRef,
    pub created_by: Option<usize>,
}

/// Drafts shares and unshares so that the object is shared with exactly `desired`.
pub struct ShareDiff<'a> {
    pub target: &'a ProfileRef,
    pub object: &'a ObjectRef,
    pub desired: &'a [ShareTarget],
    /// Live recipients; empty for an object this plan creates.
    pub live: &'a [Id],
    pub depends_on: &'a [usize],
}

impl ShareDiff<'_> {
    /// Returns the share drafts by recipient key, so connector shares can wait for the shares
    /// of their networks.
    pub fn draft(
        &self,
        drafts: &mut Drafts,
        resolve: impl Fn(&ShareTarget) -> Option<ResolvedRecipient>,
        key_of: impl Fn(&str) -> Option<String>,
    ) -> BTreeMap<String, usize> {
        let mut shares = BTreeMap::new();
        let mut wanted_ids = Vec::new();
        for share in self.desired {
            let Some(resolved) = resolve(share) else {
                continue;
            };
            if let Some(id) = &resolved.recipient.id {
                wanted_ids.push(id.clone());
                if self.live.contains(id) {
                    continue;
                }
            }
            let mut depends_on = self.depends_on.to_vec();
            depends_on.extend(resolved.created_by);
            let index = drafts.push(Draft {
                profile: self.target.key.clone(),
                kind: OperationKind::Share {
                    target: self.target.clone(),
                    object: self.object.clone(),
                    recipient: resolved.recipient,
                },
                changes: Vec::new(),
                origin: Some(share.origin.clone()),
                depends_on,
            });
            shares.insert(share.key.clone(), index);
        }
        for id in self.live.iter().filter(|id| !wanted_ids.contains(id)) {
            drafts.push(Draft {
                profile: self.target.key.clone(),
                kind: OperationKind::Unshare {
                    target: self.target.clone(),
                    object: self.object.clone(),
                    recipient_key: key_of(id),
                    recipient_id: id.clone(),
                },
                changes: Vec::new(),
                origin: None,
                depends_on: self.depends_on.to_vec(),
            });
        }
        shares
    }
}

/// `publish:` plans nothing: on TagoIO a publication is a pull request to
/// `tago-io/decoders`, reviewed by TagoIO, never an API call. The plan says where it stands:
/// public at the configured version (by the catalog id the repository's rule gives it),
/// public at another, prepared in the clone, or not prepared.
pub fn note_publication(
    drafts: &mut Drafts,
    target: &ProfileRef,
    object: &ObjectRef,
    publish: &Publish,
    live: &LiveSnapshot,
) {
    let prepared = live.prepared.as_ref().map(|all| {
        all.iter()
            .find(|p| p.kind == object.kind && p.key == object.key)
    });
    let prepared_in = prepared.flatten();
    let version = prepared_in
        .and_then(|p| p.version.clone())
        .filter(|v| Version::parse(v).is_some_and(|v| v > publish.version))
        .unwrap_or_else(|| publish.version.to_string());
    let catalog_id = match prepared_in {
        Some(p) if p.version.as_deref() == Some(version.as_str()) => p.catalog_id.clone(),
        _ => id::catalog_id(&object.name, &version, object.kind == ObjectKind::Connector),
    };
    let public_ids: Vec<Id> = live
        .catalog
        .iter()
        .find(|c| c.kind == object.kind && c.key == object.key)
        .map(|c| c.public_ids.clone())
        .unwrap_or_default();
    // A clone still at an older version has not prepared this one.
    let prepared_version = prepared_in
        .and_then(|p| p.version.clone())
        .filter(|v| Version::parse(v).is_some_and(|v| v >= publish.version));
    let status = if let Some(entry) = prepared_in.and_then(|p| p.other_entry.clone()) {
        PublicationStatus::OtherEntry { entry }
    } else if public_ids.contains(&catalog_id) {
        PublicationStatus::Public
    } else if !public_ids.is_empty() {
        PublicationStatus::OtherVersionPublic {
            public_ids,
            prepared: prepared_version,
        }
    } else {
        match (prepared, prepared_version) {
            (_, Some(prepared)) => PublicationStatus::Prepared { prepared },
            (Some(_), None) => PublicationStatus::NotPrepared,
            (None, None) => PublicationStatus::NotPublic,
        }
    };
    drafts.notice(Notice::Publication {
        profile: target.key.clone(),
        object: object.clone(),
        version,
        catalog_id,
        status,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compares_in_place_as_without_nulls_does() {
        let desired = json!({"a": 1, "list": [{"b": 2}, null]});
        let cases = [
            (json!({"a": 1, "list": [{"b": 2}, null]}), true),
            (
                json!({"a": 1, "z": null, "list": [{"b": 2, "c": null}, null]}),
                true,
            ),
            (json!({"a": 1, "list": [{"b": 2}]}), false),
            (json!({"a": 1, "list": [{"b": 2}, null], "z": 0}), false),
            (json!({"a": null, "list": [{"b": 2}, null]}), false),
            (json!("text"), false),
        ];
        for (live, same) in cases {
            assert_eq!(
                (same_without_nulls(&live, &desired), same),
                (without_nulls(live.clone()) == desired, same),
                "{live}"
            );
        }
    }
}
