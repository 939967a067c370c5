//! Wire answers to snapshot values: what [`super`] reads, as plain data for the plan.

use std::collections::BTreeMap;

use serde_json::Value;

use chrono::Duration;

use crate::api::types::{self, script, ConnectorInfo, NetworkInfo};
use crate::live::snapshot::*;

/// How long an invitation can be accepted (help article "Team Management - Sharing your
/// profile").
pub const INVITATION_LIFETIME_DAYS: i64 = 7;

pub(super) fn member(member: types::TeamMember) -> LiveMember {
    LiveMember {
        account_id: member.id,
        email: member.email,
        active: member.active,
        invited_at: Some(member.created_at),
        expires_at: (!member.active)
            .then(|| member.created_at + Duration::days(INVITATION_LIFETIME_DAYS)),
    }
}

pub(super) fn token(token: types::TokenListItem) -> LiveToken {
    LiveToken {
        name: token.name.clone(),
        permission: token.permission.to_string(),
        expires_at: token.expire_time.instant(),
        unreadable_expiry: match &token.expire_time {
            types::ListedExpiry::Unreadable(text) => Some(text.clone()),
            _ => None,
        },
        created_at: Some(token.created_at),
        kind: Some(token.kind.clone()).filter(|kind| !kind.is_empty()),
    }
}

pub(super) fn network(info: NetworkInfo) -> LiveObject {
    let public = info.fields.public.unwrap_or(false);
    let fields = object_fields(serde_json::to_value(&info.fields));
    LiveObject {
        name: info.fields.name.unwrap_or_default(),
        id: info.id,
        fields,
        networks: Vec::new(),
        public,
        shares: None,
    }
}

pub(super) fn connector(info: ConnectorInfo) -> LiveObject {
    let fields = object_fields(serde_json::to_value(&info.fields));
    LiveObject {
        name: info.fields.name.unwrap_or_default(),
        id: info.id,
        fields,
        networks: info.fields.networks.unwrap_or_default(),
        public: info.public.unwrap_or(false),
        shares: None,
    }
}

/// The user-settable fields by API name, scripts as plain text. Identity and state
/// (`name`, `networks`, `public`) are kept apart.
fn object_fields(value: Result<Value, serde_json::Error>) -> BTreeMap<String, Value> {
    let Ok(Value::Object(map)) = value else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter(|(key, value)| {
            !value.is_null() && !matches!(key.as_str(), "name" | "networks" | "public")
        })
        .map(|(key, value)| match &value {
            // Not base64 of UTF-8 text: compared as it is (and so shown as a change to repair).
            Value::String(encoded) if script::is_base64(&key) => {
                let text = script::decode(encoded).unwrap_or_else(|| encoded.clone());
                (key, Value::String(text))
            }
            _ => (key, value),
        })
        .collect()
}
