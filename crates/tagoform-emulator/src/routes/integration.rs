//! Networks and connectors, scoped to the token's profile. Both kinds share this code; the
//! kind comes from the route (an `Extension`). Rule 5 lives here: a connector needs at
//! least one network, and may only use public networks, networks of its own profile or
//! networks shared with it.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Map, Value};

use super::{check_id, invalid_body, ok, require_name, Auth, Body};
use crate::error::{ErrorReply, ReplyResult};
use crate::limits::Resource;
use crate::model::{Integration, ObjectKind, State as Data};
use crate::query::{self, ListParams};
use crate::store::AppState;
use tagoform_wire::types::{
    script, ApiSuccess, ConnectorCreateInfo, ConnectorCreateResponse, NetworkCreateInfo,
    NetworkCreateResponse,
};

/// Fields a list answers with when the query names none (as the SDK's default).
const DEFAULT_FIELDS: &[&str] = &["id", "name"];

/// The object `id` of `kind` if the caller's profile owns it, it is public, or it was shared
/// with that profile; else 404.
pub fn visible<'a>(
    data: &'a Data,
    kind: ObjectKind,
    profile: &str,
    id: &str,
) -> ReplyResult<&'a Integration> {
    check_id(id, kind.as_str())?;
    data.integrations
        .get(id)
        .filter(|object| object.kind == kind)
        .filter(|object| {
            object.profile == profile || object.public || object.shares.contains_key(profile)
        })
        .ok_or_else(|| ErrorReply::not_found(format!("{} not found", kind.title())))
}

/// The object if the caller's profile owns it; 403 when it is only shared with it or public.
pub fn owned<'a>(
    data: &'a Data,
    kind: ObjectKind,
    profile: &str,
    id: &str,
    verb: &str,
) -> ReplyResult<&'a Integration> {
    let object = visible(data, kind, profile, id)?;
    if object.profile != profile {
        let (adjective, noun) = if object.shares.contains_key(profile) {
            ("Shared", "shared with")
        } else {
            ("Public", "public but owned by")
        };
        return Err(ErrorReply::forbidden(format!(
            "{adjective} {}s cannot be {verb}: this {} is {noun} another profile",
            kind.as_str(),
            kind.as_str()
        )));
    }
    Ok(object)
}

/// Whether `object` is in `profile`'s list: its own, shared with it, or in the public
/// catalog (mcp-server `src/services/integration/AGENTS.md`).
fn listed(object: &Integration, profile: &str) -> bool {
    object.profile == profile || object.public || object.shares.contains_key(profile)
}

/// `GET /integration/{kind}`: the profile's own objects, those shared with it and TagoIO's
/// public catalog (mcp-server `AGENTS.md`). `filter[profile]=<id>` keeps only objects that
/// profile owns; the mere presence of a `filter[public]` key (any value) drops the catalog.
/// Neither is an ordinary field filter: no answer carries a `profile` key.
pub async fn list(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> ReplyResult<Json<ApiSuccess<Vec<Value>>>> {
    let mut query = ListParams::parse(raw.as_deref(), ("name", true))?;
    let owner = query.filter.remove("profile");
    let without_catalog = query.filter.remove("public").is_some();
    let profile = auth.profile.as_str();
    let items = state.read(|data, _| {
        let objects = data
            .integrations_listed_by(kind, profile)
            .filter(|o| listed(o, profile))
            .filter(|o| owner.as_deref().is_none_or(|owner| o.profile == owner))
            .filter(|o| !without_catalog || o.profile == profile || o.shares.contains_key(profile))
            .map(Integration::to_json)
            .collect();
        Ok(query.apply(objects, DEFAULT_FIELDS))
    })?;
    Ok(ok(items))
}

pub async fn info(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ReplyResult<Json<ApiSuccess<Value>>> {
    let wanted = query::fields(raw.as_deref()).unwrap_or_default();
    let object = state.read(|data, _| Ok(visible(data, kind, &auth.profile, &id)?.to_json()))?;
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    Ok(ok(query::project(object, &wanted)))
}

pub async fn create(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Body(body): Body<Value>,
) -> ReplyResult<Json<ApiSuccess<Value>>> {
    let fields = typed_fields(kind, body)?;
    let name = fields
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    require_name(name, kind.title())?;
    let id = state
        .write(|context| {
            if kind == ObjectKind::Connector {
                check_networks(context.state, &auth.profile, fields.get("networks"))?;
            }
            let existing = context
                .state
                .integrations_listed_by(kind, &auth.profile)
                .filter(|o| o.profile == auth.profile)
                .count();
            let resource = if kind == ObjectKind::Network {
                Resource::CustomNetwork
            } else {
                Resource::CustomConnector
            };
            if let Some(message) = context.plan.check_resource(resource, existing) {
                return Err(ErrorReply::bad_request(message));
            }
            let id = context.state.new_id(context.rng, context.now);
            let object = Integration {
                id: id.clone(),
                kind,
                profile: auth.profile.clone(),
                public: false,
                created_at: context.now,
                updated_at: context.now,
                fields,
                shares: Default::default(),
                catalog_version: None,
            };
            context.state.insert_integration(object);
            Ok(id)
        })
        .await?;
    let result = match kind {
        ObjectKind::Network => serde_json::to_value(NetworkCreateResponse { network: id }),
        ObjectKind::Connector => serde_json::to_value(ConnectorCreateResponse { connector: id }),
    };
    Ok(ok(result.map_err(|error| {
        ErrorReply::internal(error.to_string())
    })?))
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Path(id): Path<String>,
    Body(body): Body<Value>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    let fields = typed_fields(kind, body)?;
    if let Some(name) = fields.get("name") {
        require_name(name.as_str().unwrap_or_default(), kind.title())?;
    }
    state
        .write(|context| {
            owned(context.state, kind, &auth.profile, &id, "modified")?;
            if kind == ObjectKind::Connector && fields.contains_key("networks") {
                check_networks(context.state, &auth.profile, fields.get("networks"))?;
            }
            if let Some(object) = context.state.integrations.get_mut(&id) {
                object.fields.extend(fields);
                object.updated_at = context.now;
            }
            Ok(())
        })
        .await?;
    Ok(ok(format!("{} Successfully Updated", kind.title())))
}

pub async fn remove(
    State(state): State<AppState>,
    Extension(kind): Extension<ObjectKind>,
    auth: Auth,
    Path(id): Path<String>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    state
        .write(|context| {
            owned(context.state, kind, &auth.profile, &id, "deleted")?;
            let users: Vec<String> = context
                .state
                .integrations
                .values()
                .filter(|o| o.kind == ObjectKind::Connector && o.networks().contains(&id))
                .map(|o| format!("`{}`", o.id))
                .collect();
            if !users.is_empty() {
                return Err(ErrorReply::conflict(format!(
                    "Network is used by connector(s) {}: remove it from them first",
                    users.join(", ")
                )));
            }
            context.state.remove_integration(&id);
            Ok(())
        })
        .await?;
    Ok(ok(format!("{} Successfully Removed", kind.title())))
}

/// Checks the body against the kind's wire struct and returns only the fields it sets.
/// `public` cannot be set (an object becomes public only through TagoIO's review of a pull
/// request to `tago-io/decoders`; *unverified* wording of the refusal),
/// and a decoder must be base64, as TagoIO stores it.
fn typed_fields(kind: ObjectKind, body: Value) -> ReplyResult<Map<String, Value>> {
    let invalid = |error: serde_json::Error| invalid_body(&error);
    let typed = match kind {
        ObjectKind::Network => {
            let info: NetworkCreateInfo = serde_json::from_value(body).map_err(invalid)?;
            if info.public == Some(true) {
                return Err(ErrorReply::bad_request(
                    "A network becomes public only through TagoIO's review of a pull request to tago-io/decoders",
                ));
            }
            serde_json::to_value(NetworkCreateInfo {
                public: None,
                ..info
            })
        }
        ObjectKind::Connector => serde_json::to_value(
            serde_json::from_value::<ConnectorCreateInfo>(body).map_err(invalid)?,
        ),
    };
    let Ok(Value::Object(fields)) = typed else {
        return Err(ErrorReply::bad_request(
            "Invalid request body: expected a JSON object",
        ));
    };
    for field in script::BASE64_FIELDS {
        if let Some(text) = fields.get(*field).and_then(Value::as_str) {
            if !script::is_encoded(text) {
                return Err(ErrorReply::bad_request(format!(
                    "{field} must be base64-encoded"
                )));
            }
        }
    }
    Ok(fields)
}

/// Rule 5: at least one network, each public, owned by the connector's profile or shared
/// with it (TagoIO API changelog v8.12.2: "Fixed an issue related to creating a connector
/// using a shared network").
fn check_networks(data: &Data, profile: &str, networks: Option<&Value>) -> ReplyResult<()> {
    let ids: Vec<&str> = match networks {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if ids.is_empty() {
        return Err(ErrorReply::bad_request(
            "A connector needs at least one network",
        ));
    }
    for id in ids {
        check_id(id, "network")?;
        let network = data
            .integrations
            .get(id)
            .filter(|o| o.kind == ObjectKind::Network);
        match network {
            Some(network)
                if network.public
                    || network.profile == profile
                    || network.shares.contains_key(profile) => {}
            _ => return Err(ErrorReply::bad_request(format!("Network `{id}` not found"))),
        }
    }
    Ok(())
}
