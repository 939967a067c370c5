//! [`fetch`]: read the live state of what the configuration manages, and nothing else.
//!
//! Reads go through list endpoints at the largest page size, so the request count grows with
//! pages, not objects. Each profile's networks and connectors are listed with
//! `filter[profile]`, which keeps only what the profile owns (TagoIO's lists also hold what is
//! shared with it and the public catalog). Shares are read per object, and only for objects
//! whose `shared_with` the configuration manages: no TagoIO list carries them. Reads of
//! several profiles run concurrently, and never more than `parallelism` requests at once,
//! paced by the client under the rate limits.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use tokio::sync::Semaphore;

use super::snapshot::*;
use crate::access::{Access, AccessError};
use crate::api::{ApiError, Client, ListQuery, ObjectKind, ShareError};
use crate::config::{Desired, TagoId};
use convert::{connector, member, network, token};

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
    /// A list asked for one profile's own objects holds public ones: the server ignored
    /// `filter[profile]`, so nothing it lists can be taken as the profile's.
    #[error(
        "the list of the {kind}s of profile `{profile}` ({id}) asked for its own {kind}s only \
         (`filter[profile]`) but holds public (catalog) ones: this API does not filter as \
         tagoform expects, so nothing is planned; run `tagoform doctor`"
    )]
    FilterIgnored {
        kind: &'static str,
        profile: String,
        id: Id,
    },
    /// The same id twice in one answer: which of the two is right cannot be known.
    #[error(
        "the answer listing {what} holds the id {id} more than once: refused as malformed \
         (nothing is planned on an answer that contradicts itself)"
    )]
    RepeatedId { what: String, id: Id },
    /// An answer TagoIO's types do not allow (a negative or fractional amount).
    #[error("the answer listing {what} is malformed: {detail}; nothing is planned on it")]
    Malformed { what: String, detail: String },
    #[error("reading {what}")]
    Shares {
        what: String,
        #[source]
        source: Box<ShareError>,
    },
}

pub(crate) fn reading(what: impl Into<String>) -> impl FnOnce(ApiError) -> FetchError {
    let what = what.into();
    move |source| FetchError::Api { what, source }
}

/// A managed profile that exists on TagoIO, with what its configuration manages.
struct Managed<'a> {
    key: &'a str,
    id: Id,
    team: bool,
    tokens: bool,
    /// Its `banner_url` is managed: read `GET /profile/{id}`, the only route that has it.
    banner: bool,
    /// Its configured networks and connectors (not to delete), in key order.
    networks: Vec<Wanted<'a>>,
    connectors: Vec<Wanted<'a>>,
}

/// What the per-object reads need to know of one configured network or connector.
#[derive(Debug, Clone, Copy)]
struct Wanted<'a> {
    pin: Option<&'a TagoId>,
    name: &'a str,
    /// Its `shared_with` is managed.
    shares: bool,
}

/// Reads the profiles the configuration names and, in each, what it manages.
///
/// Profiles that do not exist yet, or whose name matches several live profiles (the plan
/// reports those), are not read further. At most `parallelism` requests are in flight at
/// once, short-lived token requests included: every request waits for one of that many
/// slots, whichever profile and list it is for.
pub async fn fetch(
    desired: &Desired,
    access: &Access,
    parallelism: usize,
) -> Result<LiveSnapshot, FetchError> {
    let parallelism = parallelism.max(1);
    let slots = Semaphore::new(parallelism);
    let profiles = in_slot(&slots, owned_profiles(access)).await?;
    let managed = managed_profiles(desired, &profiles);
    // `parallelism` profiles in progress keep every slot busy (each has several lists to
    // read), and each profile's lists are read soon after its token is obtained.
    let deletes_a_profile = desired.profiles.values().any(|profile| profile.delete);
    let billing = async {
        if !super::billing::is_managed(desired) {
            if deletes_a_profile {
                return super::billing::read_holders(access.account(), &slots)
                    .await
                    .map(Some);
            }
            return Ok(None);
        }
        let ids = managed.iter().map(|p| (p.key, &p.id)).collect();
        super::billing::read(desired, access.account(), &ids, &slots)
            .await
            .map(Some)
    };
    let details = stream::iter(managed.iter())
        .map(|profile| read_profile(access, profile, &slots, parallelism))
        .buffer_unordered(parallelism)
        .try_collect::<BTreeMap<Id, LiveProfileState>>();
    let catalog = super::catalog::read(desired, access.account(), &slots, parallelism);
    let live_ids = managed.iter().map(|p| (p.key, p.id.clone())).collect();
    let networks_seen = super::networks::read(desired, access, &live_ids, &slots, parallelism);
    let (billing, details, mut catalog, networks_seen) =
        tokio::try_join!(billing, details, catalog, networks_seen)?;
    catalog.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    Ok(LiveSnapshot {
        profiles,
        details,
        billing,
        catalog,
        prepared: None,
        networks_seen,
    })
}

/// Refuses an answer that lists one id twice.
pub(crate) fn unique_ids<'a>(
    ids: impl Iterator<Item = &'a str>,
    what: &str,
) -> Result<(), FetchError> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(FetchError::RepeatedId {
                what: what.to_owned(),
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

/// Runs `request` in one of the slots. A call keeps its slot through the client's pacing and
/// retries, which are sequential: one request in flight per slot. `acquire` fails only on a
/// closed semaphore, and these are never closed.
pub(crate) async fn in_slot<T>(slots: &Semaphore, request: impl Future<Output = T>) -> T {
    let _slot = slots.acquire().await;
    request.await
}

/// The profiles the account owns (profiles others shared with it are not ours to manage).
pub async fn owned_profiles(access: &Access) -> Result<Vec<LiveProfile>, FetchError> {
    let listed = access
        .account()
        .profiles_list()
        .await
        .map_err(reading("the account's profiles"))?;
    unique_ids(
        listed.iter().map(|p| p.id.as_str()),
        "the account's profiles",
    )?;
    Ok(listed
        .into_iter()
        .filter(|p| p.is_own())
        .map(|p| LiveProfile {
            id: p.id,
            name: p.name,
            logo_url: p.logo_url,
        })
        .collect())
}

/// The configured profiles that match exactly one live profile, each with its objects.
/// Linear in the profiles and objects: live profiles are indexed by id and by name, and
/// configured objects grouped by profile, once.
fn managed_profiles<'a>(desired: &'a Desired, live: &[LiveProfile]) -> Vec<Managed<'a>> {
    let by_id = Index::new(live.iter().map(|p| (p.id.as_str(), p.id.as_str())));
    let by_name = Index::new(live.iter().map(|p| (p.name.as_str(), p.id.as_str())));
    let mut networks: HashMap<&str, Vec<Wanted>> = HashMap::new();
    for network in desired.networks.values().filter(|n| !n.delete) {
        networks.entry(&network.profile).or_default().push(Wanted {
            pin: network.id.as_ref(),
            name: &network.name,
            shares: network.shared_with.is_some(),
        });
    }
    let mut connectors: HashMap<&str, Vec<Wanted>> = HashMap::new();
    for connector in desired.connectors.values().filter(|c| !c.delete) {
        connectors
            .entry(&connector.profile)
            .or_default()
            .push(Wanted {
                pin: connector.id.as_ref(),
                name: &connector.name,
                shares: connector.shared_with.is_some(),
            });
    }
    desired
        .profiles
        .values()
        .filter(|profile| !profile.delete)
        .filter_map(|profile| {
            let id = match &profile.id {
                Some(pin) => by_id.only(pin.as_str()),
                None => by_name.only(&profile.name),
            }?;
            Some(Managed {
                key: &profile.key,
                id: id.to_owned(),
                team: profile.team.is_some(),
                tokens: profile.tokens.is_some(),
                banner: profile.banner_url.is_some(),
                networks: networks.remove(profile.key.as_str()).unwrap_or_default(),
                connectors: connectors.remove(profile.key.as_str()).unwrap_or_default(),
            })
        })
        .collect()
}

/// Values by key, remembering whether a key is shared by several (ambiguous) entries.
struct Index<'a, T> {
    entries: HashMap<&'a str, (T, bool)>,
}

impl<'a, T: Copy> Index<'a, T> {
    fn new(entries: impl Iterator<Item = (&'a str, T)>) -> Self {
        let mut index: HashMap<&'a str, (T, bool)> = HashMap::new();
        for (key, value) in entries {
            index
                .entry(key)
                .and_modify(|(_, several)| *several = true)
                .or_insert((value, false));
        }
        Index { entries: index }
    }

    /// The value of the only entry with this key.
    fn only(&self, key: &str) -> Option<T> {
        match self.entries.get(key) {
            Some((value, false)) => Some(*value),
            _ => None,
        }
    }

    /// The value of the first entry with this key.
    fn first(&self, key: &str) -> Option<T> {
        self.entries.get(key).map(|(value, _)| *value)
    }
}

/// Reads everything one managed profile needs, its lists concurrently, then the objects'
/// share lists. Long because the reads share one slot pool and one error context; the
/// conversions and checks live in their own functions.
async fn read_profile(
    access: &Access,
    profile: &Managed<'_>,
    slots: &Semaphore,
    parallelism: usize,
) -> Result<(Id, LiveProfileState), FetchError> {
    let account = access.account();
    // The first call may ask for a short-lived token: a request, so it takes a slot.
    let client = in_slot(slots, access.profile(profile.key, &profile.id)).await?;
    let id = &profile.id;
    let on = |what: &str| format!("{what} of profile `{}` ({id})", profile.key);
    let team_client = access.team(profile.key, id).await;
    let team = async {
        if !profile.team {
            return Ok(None);
        }
        let team = in_slot(slots, team_client.team_list(id))
            .await
            .map_err(reading(on("the team")))?;
        Ok::<_, FetchError>(Some(
            team.into_iter().map(member).collect::<Vec<LiveMember>>(),
        ))
    };
    let tokens = async {
        if !profile.tokens {
            return Ok(None);
        }
        let tokens = in_slot(slots, account.tokens_list(id))
            .await
            .map_err(reading(on("the tokens")))?;
        Ok(Some(tokens.into_iter().map(token).collect()))
    };
    let banner = async {
        if !profile.banner {
            return Ok(None);
        }
        let info = in_slot(slots, account.profile_info(id))
            .await
            .map_err(reading(on("the details")))?;
        Ok(Some(info.info.banner_url.filter(|url| !url.is_empty())))
    };
    let everything = ListQuery::default();
    let networks = async {
        in_slot(slots, client.owned_networks(id, &everything))
            .await
            .map_err(reading(on("the networks")))
    };
    let connectors = async {
        in_slot(slots, client.owned_connectors(id, &everything))
            .await
            .map_err(reading(on("the connectors")))
    };
    let (team, tokens, banner_url, networks, connectors) =
        tokio::try_join!(team, tokens, banner, networks, connectors)?;
    let mut networks: Vec<LiveObject> = networks.into_iter().map(network).collect();
    let mut connectors: Vec<LiveObject> = connectors.into_iter().map(connector).collect();
    unique_ids(networks.iter().map(|o| o.id.as_str()), &on("the networks"))?;
    unique_ids(
        connectors.iter().map(|o| o.id.as_str()),
        &on("the connectors"),
    )?;
    if let Some(team) = &team {
        unique_ids(
            team.iter().map(|m: &LiveMember| m.account_id.as_str()),
            &on("the team"),
        )?;
    }
    for (kind, objects) in [("network", &networks), ("connector", &connectors)] {
        if objects.iter().any(|object| object.public) {
            return Err(FetchError::FilterIgnored {
                kind,
                profile: profile.key.to_owned(),
                id: id.clone(),
            });
        }
    }
    let reads = object_reads(profile, &networks, &connectors);
    let results: Vec<ObjectRead> = stream::iter(reads)
        .map(|read| in_slot(slots, read_object(&client, read, profile.key)))
        .buffer_unordered(parallelism)
        .try_collect()
        .await?;
    merge_object_reads(&mut networks, &mut connectors, results);
    let state = LiveProfileState {
        banner_url,
        team,
        tokens,
        networks,
        connectors,
    };
    Ok((profile.id.clone(), state))
}

/// Puts what the per-object reads found into the listed objects.
fn merge_object_reads(
    networks: &mut [LiveObject],
    connectors: &mut [LiveObject],
    results: Vec<ObjectRead>,
) {
    if results.is_empty() {
        return;
    }
    let positions = |objects: &[LiveObject]| -> HashMap<Id, usize> {
        let mut positions = HashMap::new();
        for (position, object) in objects.iter().enumerate() {
            positions.entry(object.id.clone()).or_insert(position);
        }
        positions
    };
    let network_positions = positions(networks);
    let connector_positions = positions(connectors);
    for read in results {
        let (list, positions) = match read.kind {
            ObjectKind::Network => (&mut *networks, &network_positions),
            ObjectKind::Connector => (&mut *connectors, &connector_positions),
        };
        let Some(object) = positions.get(&read.id).and_then(|&at| list.get_mut(at)) else {
            continue;
        };
        object.shares = Some(read.shares);
    }
}

/// One per-object read: the recipients of an object's shares.
struct ObjectRead {
    kind: ObjectKind,
    id: Id,
    name: String,
    shares: Vec<Id>,
}

/// The per-object reads the configuration needs: the shares of each object whose
/// `shared_with` it manages.
fn object_reads(
    profile: &Managed<'_>,
    networks: &[LiveObject],
    connectors: &[LiveObject],
) -> Vec<ObjectRead> {
    let mut reads = Vec::new();
    let kinds = [
        (ObjectKind::Network, &profile.networks, networks),
        (ObjectKind::Connector, &profile.connectors, connectors),
    ];
    for (kind, wanted, live) in kinds {
        let by_id = Index::new(live.iter().map(|o| (o.id.as_str(), o)));
        let by_name = Index::new(live.iter().map(|o| (o.name.as_str(), o)));
        for wanted in wanted {
            // As the plan matches: the pinned id, else the only object with the name
            // (several: the plan stops, so nothing is read for them).
            let matched = match wanted.pin {
                Some(pin) => by_id.first(pin.as_str()),
                None => by_name.only(wanted.name),
            };
            let Some(object) = matched else {
                continue;
            };
            if wanted.shares && object.shares.is_none() {
                reads.push(ObjectRead {
                    kind,
                    id: object.id.clone(),
                    name: object.name.clone(),
                    shares: Vec::new(),
                });
            }
        }
    }
    reads
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
    read.shares = client
        .share_recipients(read.kind, &read.id)
        .await
        .map_err(|source| FetchError::Shares {
            what: what("shares"),
            source: Box::new(source),
        })?;
    Ok(read)
}

#[path = "fetch_convert.rs"]
mod convert;

#[cfg(test)]
#[path = "fetch_tests.rs"]
mod tests;
