//! The networks connectors name by `{id: ...}`, as each connector's profile sees them.
//!
//! `{id: ...}` names a network tagoform does not manage: an entry of TagoIO's public catalog,
//! or a network another profile shares with the connector's profile (TagoIO API changelog
//! v8.12.2: "Fixed an issue related to creating a connector using a shared network"). The
//! YAML alone cannot tell these apart, nor from an id nobody shares, so each id is read once
//! per profile with that profile's token: `GET /integration/network/{id}` answers what the
//! profile sees (its own, what is shared with it, the catalog) and 404 for anything else.
//! A profile to be created has nothing shared with it yet: its ids are read with the
//! account's token, and only a public answer counts.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::stream::{self, StreamExt, TryStreamExt};
use tokio::sync::Semaphore;

use super::fetch::{in_slot, reading, FetchError};
use super::snapshot::{Id, NetworkSeen};
use crate::access::Access;
use crate::api::Client;
use crate::config::{Desired, NetworkTarget};

/// For each configured profile key, how its profile sees each network its kept connectors
/// name by `{id: ...}`. `live_ids` are the configured profiles that exist on TagoIO.
pub async fn read(
    desired: &Desired,
    access: &Access,
    live_ids: &BTreeMap<&str, Id>,
    slots: &Semaphore,
    parallelism: usize,
) -> Result<BTreeMap<String, BTreeMap<Id, NetworkSeen>>, FetchError> {
    let mut wanted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for connector in desired.connectors.values().filter(|c| !c.delete) {
        if desired
            .profiles
            .get(&connector.profile)
            .is_some_and(|p| p.delete)
        {
            continue;
        }
        for reference in &connector.own.networks {
            if let NetworkTarget::Public(id) = &reference.target {
                let ids = wanted.entry(connector.profile.as_str()).or_default();
                ids.insert(id.as_str());
            }
        }
    }
    let reads: Vec<(&str, &str)> = wanted
        .iter()
        .flat_map(|(key, ids)| ids.iter().map(move |id| (*key, *id)))
        .collect();
    let results: Vec<(String, Id, NetworkSeen)> = stream::iter(reads)
        .map(|(key, id)| async move {
            let seen = match live_ids.get(key) {
                Some(profile_id) => {
                    let client = in_slot(slots, access.profile(key, profile_id)).await?;
                    seen_by(&client, key, id, slots).await?
                }
                None => match seen_by(access.account(), key, id, slots).await? {
                    NetworkSeen::Public => NetworkSeen::Public,
                    _ => NetworkSeen::Unseen,
                },
            };
            Ok::<_, FetchError>((key.to_owned(), id.to_owned(), seen))
        })
        .buffer_unordered(parallelism)
        .try_collect()
        .await?;
    let mut seen: BTreeMap<String, BTreeMap<Id, NetworkSeen>> = BTreeMap::new();
    for (key, id, how) in results {
        seen.entry(key).or_default().insert(id, how);
    }
    Ok(seen)
}

/// How the client's profile sees network `id`: public, visible (its own or shared with it),
/// or not at all (404).
async fn seen_by(
    client: &Client,
    key: &str,
    id: &str,
    slots: &Semaphore,
) -> Result<NetworkSeen, FetchError> {
    match in_slot(slots, client.network_info(id)).await {
        Ok(info) if info.fields.public == Some(true) => Ok(NetworkSeen::Public),
        Ok(_) => Ok(NetworkSeen::Private),
        Err(error) if error.status() == Some(404) => Ok(NetworkSeen::Unseen),
        Err(error) => Err(reading(format!(
            "network {id}, named by a connector of profile `{key}`"
        ))(error)),
    }
}
