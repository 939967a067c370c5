//! Reading what an export needs: every selected profile with its team, tokens, networks,
//! connectors and their shares, through the same [`live::fetch`] that `plan` uses, so an
//! export and a plan see the account the same way.

use std::collections::BTreeMap;
use std::path::PathBuf;

use futures_util::stream::{self, StreamExt, TryStreamExt};

use crate::access::{Access, AccessError};
use crate::api::{ApiError, ObjectKind, ShareError};
use crate::config::{Desired, Origin, Profile, TagoId};
use crate::live::{self, FetchError, Id, LiveSnapshot};

/// Why the account could not be read for an export.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("reading the account's profiles")]
    Profiles(#[source] Box<ApiError>),
    #[error("no profile of this account has the id or the name `{0}`")]
    UnknownProfile(String),
    #[error(
        "{} profiles are named `{name}` ({}); pass the id of the one to export to --profile",
        ids.len(),
        ids.join(", ")
    )]
    AmbiguousName { name: String, ids: Vec<Id> },
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("reading the shares of {kind} `{name}` ({id})")]
    Shares {
        kind: &'static str,
        name: String,
        id: Id,
        #[source]
        source: Box<ShareError>,
    },
}

/// Reads the profiles named in `selection` (by id or name; every profile of the account when
/// empty) and all they hold, with the shares of every network and connector (one share-list
/// read per object: no list carries them).
pub async fn read(
    access: &Access,
    selection: &[String],
    parallelism: usize,
) -> Result<LiveSnapshot, ReadError> {
    let listed = access
        .account()
        .profiles_list()
        .await
        .map_err(|error| ReadError::Profiles(Box::new(error)))?;
    let owned: Vec<(Id, String)> = listed
        .into_iter()
        .filter(|p| p.is_own())
        .map(|p| (p.id, p.name))
        .collect();
    let selected = select(&owned, selection)?;
    let probe = probe(&owned, &selected);
    let mut snapshot = live::fetch(&probe, access, parallelism).await?;
    let mut missing = Vec::new();
    for (profile, state) in &snapshot.details {
        for (kind, list) in [
            (ObjectKind::Network, &state.networks),
            (ObjectKind::Connector, &state.connectors),
        ] {
            for object in list.iter().filter(|o| o.shares.is_none()) {
                missing.push((
                    profile.clone(),
                    kind,
                    object.id.clone(),
                    object.name.clone(),
                ));
            }
        }
    }
    let shares: Vec<(Id, Id, Vec<Id>)> =
        stream::iter(missing)
            .map(|(profile, kind, id, name)| async move {
                let client = access.profile(&profile, &profile).await?;
                let recipients = client.share_recipients(kind, &id).await.map_err(|source| {
                    ReadError::Shares {
                        kind: kind.as_str(),
                        name,
                        id: id.clone(),
                        source: Box::new(source),
                    }
                })?;
                Ok::<_, ReadError>((profile, id, recipients))
            })
            .buffer_unordered(parallelism.max(1))
            .try_collect()
            .await?;
    for (profile, id, recipients) in shares {
        let Some(state) = snapshot.details.get_mut(&profile) else {
            continue;
        };
        let object = state
            .networks
            .iter_mut()
            .chain(state.connectors.iter_mut())
            .find(|o| o.id == id);
        if let Some(object) = object {
            object.shares = Some(recipients);
        }
    }
    Ok(snapshot)
}

/// The ids of the selected profiles, in the account's order.
fn select(owned: &[(Id, String)], selection: &[String]) -> Result<Vec<Id>, ReadError> {
    if selection.is_empty() {
        return Ok(owned.iter().map(|(id, _)| id.clone()).collect());
    }
    let mut selected = Vec::new();
    for wanted in selection {
        let by_id: Vec<&Id> = owned
            .iter()
            .filter(|(id, _)| id == wanted)
            .map(|(id, _)| id)
            .collect();
        let by_name: Vec<&Id> = owned
            .iter()
            .filter(|(_, name)| name == wanted)
            .map(|(id, _)| id)
            .collect();
        let id = match (by_id.as_slice(), by_name.as_slice()) {
            ([id], _) | ([], [id]) => (*id).clone(),
            ([], []) => return Err(ReadError::UnknownProfile(wanted.clone())),
            (_, ids) => {
                return Err(ReadError::AmbiguousName {
                    name: wanted.clone(),
                    ids: ids.iter().map(|id| (*id).clone()).collect(),
                })
            }
        };
        if !selected.contains(&id) {
            selected.push(id);
        }
    }
    Ok(selected)
}

/// A configuration that manages everything of the selected profiles, pinned by id, so that
/// [`live::fetch`] reads all of it: its teams and tokens (managed lists) and its objects.
fn probe(owned: &[(Id, String)], selected: &[Id]) -> Desired {
    let origin = Origin {
        file: PathBuf::from("<export>"),
        line: 1,
        column: 1,
    };
    let profiles: BTreeMap<String, Profile> = owned
        .iter()
        .filter(|(id, _)| selected.contains(id))
        .filter_map(|(id, name)| {
            let pin = TagoId::parse(id)?;
            let profile = Profile {
                key: id.clone(),
                name: name.clone(),
                id: Some(pin),
                logo_url: None,
                // Managed (with values no plan is made from), so that `fetch` reads the
                // banner, the allocation and the add-ons.
                banner_url: Some(String::new()),
                allocation: Some(BTreeMap::new()),
                addons: Some(Default::default()),
                token_env: None,
                exclusive: false,
                delete: false,
                team: Some(Vec::new()),
                tokens: Some(Vec::new()),
                origin: origin.clone(),
                field_origins: BTreeMap::new(),
            };
            Some((id.clone(), profile))
        })
        .collect();
    Desired {
        profiles,
        ..Desired::default()
    }
}
