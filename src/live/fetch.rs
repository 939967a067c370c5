//! [`fetch`]: read the live state of what the configuration manages, and nothing else.
//!
//! Reads go through list endpoints at the largest page size, so the request count grows with
//! pages, not objects. The lists carry each object's shares and publication state where the
//! server provides them (the emulator does); otherwise those are read per object, and only for
//! objects whose configuration manages them. All reads of all profiles
//! run concurrently (bounded by `parallelism`), paced by the client under the rate limits.

use std::collections::BTreeMap;

use base64::Engine;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use super::access::{Access, AccessError};
use super::snapshot::*;
use crate::api::types::{self, ConnectorInfo, NetworkInfo, PublicationStatus, TOKEN_TYPE_ACCOUNT};
use crate::api::{ApiError, Client, IntegrationKind};
use crate::config::{Desired, TagoId};

/// Why the live state could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("reading {what}")]
    Api {
        what: String,
        #[source]
        source: ApiError,
    },
    #[error(transparent)]
    Access(#[from] AccessError),
}

fn reading(what: impl Into<String>) -> impl FnOnce(ApiError) -> FetchError {
    let what = what.into();
    move |source| FetchError::Api { what, source }
}

/// A managed profile that exists on TagoIO, with what its configuration manages.
struct Managed<'a> {
    key: &'a str,
    id: Id,
    team: bool,
    tokens: bool,
}

/// Reads the profiles the configuration names and, in each, what it manages.
///
/// Profiles that do not exist yet, or whose name matches several live profiles (the plan
/// reports those), are not read further.
pub async fn fetch(
    desired: &Desired,
    access: &Access,
    parallelism: usize,
) -> Result<LiveSnapshot, FetchError> {
    let parallelism = parallelism.max(1);
    let profiles = owned_profiles(access).await?;
    let managed = managed_profiles(desired, &profiles);
    let details: BTreeMap<Id, LiveProfileState> = stream::iter(managed.iter())
        .map(|profile| read_profile(desired, access, profile, parallelism))
        .buffer_unordered(parallelism)
        .try_collect()
        .await?;
    Ok(LiveSnapshot { profiles, details })
}

/// The profiles the account owns (profiles others shared with it are not ours to manage).
pub async fn owned_profiles(access: &Access) -> Result<Vec<LiveProfile>, FetchError> {
    let listed = access
        .account()
        .profiles_list()
        .await
        .map_err(reading("the account's profiles"))?;
    Ok(listed
        .into_iter()
        .filter(|p| p.from_share != Some(true))
        .map(|p| LiveProfile {
            id: p.id,
            name: p.name,
            logo_url: p.logo_url,
        })
        .collect())
}

fn managed_profiles<'a>(desired: &'a Desired, live: &[LiveProfile]) -> Vec<Managed<'a>> {
    desired
        .profiles
        .values()
        .filter(|profile| !profile.delete)
        .filter_map(|profile| {
            let candidates: Vec<&LiveProfile> = match &profile.id {
                Some(pin) => live.iter().filter(|p| p.id == pin.as_str()).collect(),
                None => live.iter().filter(|p| p.name == profile.name).collect(),
            };
            let [one] = candidates.as_slice() else {
                return None;
            };
            Some(Managed {
                key: &profile.key,
                id: one.id.clone(),
                team: profile.team.is_some(),
                tokens: profile.tokens.is_some(),
            })
        })
        .collect()
}

async fn read_profile(
    desired: &Desired,
    access: &Access,
    profile: &Managed<'_>,
    parallelism: usize,
) -> Result<(Id, LiveProfileState), FetchError> {
    let account = access.account();
    let client = access.profile(profile.key, &profile.id).await?;
    let id = &profile.id;
    let on = |what: &str| format!("{what} of profile `{}` ({id})", profile.key);
    let team_client = access.team(profile.key, id).await;
    let team = async {
        if !profile.team {
            return Ok(None);
        }
        let team = team_client
            .team_list(id)
            .await
            .map_err(reading(on("the team")))?;
        Ok::<_, FetchError>(Some(team.into_iter().map(member).collect()))
    };
    let tokens = async {
        if !profile.tokens {
            return Ok(None);
        }
        let tokens = account
            .tokens_list(id)
            .await
            .map_err(reading(on("the tokens")))?;
        Ok(Some(tokens.into_iter().map(token).collect()))
    };
    let networks = async {
        client
            .owned_list::<NetworkInfo>(IntegrationKind::Network)
            .await
            .map_err(reading(on("the networks")))
    };
    let connectors = async {
        client
            .owned_list::<ConnectorInfo>(IntegrationKind::Connector)
            .await
            .map_err(reading(on("the connectors")))
    };
    let (team, tokens, networks, connectors) =
        tokio::try_join!(team, tokens, networks, connectors)?;
    let mut networks: Vec<LiveObject> = networks
        .into_iter()
        .filter(|n| n.object.profile.as_deref().is_none_or(|owner| owner == id))
        .map(|owned| with_owner_view(network(owned.object), owned.shared_with, owned.publication))
        .collect();
    let mut connectors: Vec<LiveObject> = connectors
        .into_iter()
        .filter(|c| c.object.profile.as_deref().is_none_or(|owner| owner == id))
        .map(|owned| {
            with_owner_view(
                connector(owned.object),
                owned.shared_with,
                owned.publication,
            )
        })
        .collect();
    let reads = object_reads(desired, profile.key, &networks, &connectors);
    let results: Vec<ObjectRead> = stream::iter(reads)
        .map(|read| read_object(&client, read, profile.key))
        .buffer_unordered(parallelism)
        .try_collect()
        .await?;
    for read in results {
        let list = match read.kind {
            IntegrationKind::Network => &mut networks,
            IntegrationKind::Connector => &mut connectors,
        };
        if let Some(object) = list.iter_mut().find(|o| o.id == read.id) {
            if read.shares.is_some() {
                object.shares = read.shares;
            }
            if read.publication.is_some() {
                object.publication = read.publication;
            }
        }
    }
    let state = LiveProfileState {
        team,
        tokens,
        networks,
        connectors,
    };
    Ok((profile.id.clone(), state))
}

/// One per-object read: shares or publication status.
struct ObjectRead {
    kind: IntegrationKind,
    id: Id,
    name: String,
    shares: Option<Vec<Id>>,
    publication: Option<Publication>,
}

/// Shares and publication state from the list, when the server sent them.
fn with_owner_view(
    mut object: LiveObject,
    shared_with: Option<Vec<Id>>,
    publication_info: Option<types::PublicationInfo>,
) -> LiveObject {
    object.shares = shared_with;
    object.publication = publication_info.map(publication);
    object
}

/// The per-object reads the configuration still needs: shares of objects whose `shared_with`
/// it manages, publication status of objects it asks to publish (unless already public), each
/// only when the list did not carry it already.
fn object_reads(
    desired: &Desired,
    profile: &str,
    networks: &[LiveObject],
    connectors: &[LiveObject],
) -> Vec<ObjectRead> {
    let mut reads = Vec::new();
    let mut add = |kind, object: &LiveObject, shares: bool, publish: bool| {
        if shares && object.shares.is_none() {
            reads.push(ObjectRead {
                kind,
                id: object.id.clone(),
                name: object.name.clone(),
                shares: Some(Vec::new()),
                publication: None,
            });
        }
        if publish && !object.public && object.publication.is_none() {
            reads.push(ObjectRead {
                kind,
                id: object.id.clone(),
                name: object.name.clone(),
                shares: None,
                publication: Some(Publication::None),
            });
        }
    };
    for network in desired.networks_of(profile).filter(|n| !n.delete) {
        if let Some(live) = configured(networks, network.id.as_ref(), &network.name) {
            add(
                IntegrationKind::Network,
                live,
                network.shared_with.is_some(),
                network.publish.is_some(),
            );
        }
    }
    for connector in desired.connectors_of(profile).filter(|c| !c.delete) {
        if let Some(live) = configured(connectors, connector.id.as_ref(), &connector.name) {
            add(
                IntegrationKind::Connector,
                live,
                connector.shared_with.is_some(),
                connector.publish.is_some(),
            );
        }
    }
    reads
}

/// The live object a configured one stands for, as the plan matches it: the pinned id, else
/// the only object with the name (several: the plan stops, so nothing is read for them).
fn configured<'a>(
    objects: &'a [LiveObject],
    pin: Option<&TagoId>,
    name: &str,
) -> Option<&'a LiveObject> {
    if let Some(pin) = pin {
        return objects.iter().find(|o| o.id == pin.as_str());
    }
    let mut matches = objects.iter().filter(|o| o.name == name);
    let first = matches.next()?;
    matches.next().is_none().then_some(first)
}

async fn read_object(
    client: &Client,
    mut read: ObjectRead,
    profile: &str,
) -> Result<ObjectRead, FetchError> {
    let what = |part: &str| {
        format!(
            "the {part} of {} `{}` ({}) in profile `{profile}`",
            read.kind.as_str(),
            read.name,
            read.id
        )
    };
    if read.shares.is_some() {
        let shares = client
            .shares_list(read.kind, &read.id)
            .await
            .map_err(reading(what("shares")))?;
        read.shares = Some(shares.into_iter().map(|s| s.profile_id).collect());
    } else {
        let status = client
            .publication_status(read.kind, &read.id)
            .await
            .map_err(reading(what("publication status")))?;
        read.publication = Some(publication(status));
    }
    Ok(read)
}

fn publication(info: types::PublicationInfo) -> Publication {
    match info.status {
        PublicationStatus::None => Publication::None,
        PublicationStatus::Pending => Publication::Pending {
            requested_at: info.requested_at,
            message: info.message,
        },
        PublicationStatus::Approved => Publication::Approved,
        PublicationStatus::Rejected => Publication::Rejected {
            reason: info.reason,
            message: info.message,
        },
    }
}

fn member(member: types::TeamMember) -> LiveMember {
    LiveMember {
        account_id: member.id,
        email: member.email,
        active: member.active,
        invited_at: Some(member.created_at),
        expires_at: member.expire_at,
    }
}

fn token(token: types::TokenListItem) -> LiveToken {
    LiveToken {
        name: token.name.clone(),
        permission: token.permission.to_string(),
        expires_at: match token.expire_time {
            types::Expiry::Never => None,
            types::Expiry::At(at) => Some(at),
        },
        created_at: Some(token.created_at),
        origin: if token.kind == TOKEN_TYPE_ACCOUNT {
            TokenOrigin::Account
        } else {
            TokenOrigin::Session
        },
    }
}

fn network(info: NetworkInfo) -> LiveObject {
    let public = info.fields.public.unwrap_or(false);
    let fields = object_fields(serde_json::to_value(&info.fields));
    LiveObject {
        name: info.fields.name.unwrap_or_default(),
        id: info.id,
        fields,
        networks: Vec::new(),
        public,
        shares: None,
        publication: None,
    }
}

fn connector(info: ConnectorInfo) -> LiveObject {
    let fields = object_fields(serde_json::to_value(&info.fields));
    LiveObject {
        name: info.fields.name.unwrap_or_default(),
        id: info.id,
        fields,
        networks: info.fields.networks.unwrap_or_default(),
        public: info.public.unwrap_or(false),
        shares: None,
        publication: None,
    }
}

/// The user-settable fields by API name, the decoder as plain text. Identity and state
/// (`name`, `networks`, `public`) are kept apart.
fn object_fields(value: Result<Value, serde_json::Error>) -> BTreeMap<String, Value> {
    let Ok(Value::Object(map)) = value else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter(|(key, value)| {
            !value.is_null() && !matches!(key.as_str(), "name" | "networks" | "public")
        })
        .map(|(key, value)| match (key.as_str(), &value) {
            ("payload_decoder", Value::String(encoded)) => {
                let text = decode_script(encoded).unwrap_or_else(|| encoded.clone());
                (key, Value::String(text))
            }
            _ => (key, value),
        })
        .collect()
}

/// TagoIO sends decoders base64-encoded; anything that is not valid base64 of UTF-8 text is
/// compared as it is (and so shows up as a change to repair).
pub fn decode_script(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
#[path = "fetch_tests.rs"]
mod tests;
