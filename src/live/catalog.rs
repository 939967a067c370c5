//! TagoIO's public catalog, as far as `publish:` needs it: for each published network or
//! connector, the public entries of its name. The catalog is in every profile's integration
//! lists (no route of its own); one list with `filter[name]` per publication, read only when
//! the configuration has `publish:`.

use futures_util::stream::{self, StreamExt, TryStreamExt};
use tokio::sync::Semaphore;

use super::fetch::{in_slot, reading, FetchError};
use super::snapshot::{CatalogNamed, ObjectKind};
use crate::api::Client;
use crate::config::Desired;

/// The public catalog entries named as each published object, by kind and key.
pub async fn read(
    desired: &Desired,
    client: &Client,
    slots: &Semaphore,
    parallelism: usize,
) -> Result<Vec<CatalogNamed>, FetchError> {
    let kept = |profile: &str| desired.profiles.get(profile).is_none_or(|p| !p.delete);
    let networks = desired
        .networks
        .values()
        .filter(|n| !n.delete && n.publish.is_some() && kept(&n.profile))
        .map(|n| (ObjectKind::Network, n.key.as_str(), n.name.as_str()));
    let connectors = desired
        .connectors
        .values()
        .filter(|c| !c.delete && c.publish.is_some() && kept(&c.profile))
        .map(|c| (ObjectKind::Connector, c.key.as_str(), c.name.as_str()));
    let wanted: Vec<_> = networks.chain(connectors).collect();
    stream::iter(wanted)
        .map(|(kind, key, name)| async move {
            let listed = in_slot(slots, client.integrations_named(kind, name))
                .await
                .map_err(reading(format!(
                    "TagoIO's public catalog for {kind} `{key}`"
                )))?;
            // `filter[name]` may match more loosely than equality: keep exact names only.
            let public_ids = listed
                .into_iter()
                .filter(|item| item.public && item.name == name)
                .map(|item| item.id)
                .collect();
            Ok::<_, FetchError>(CatalogNamed {
                kind,
                key: key.to_owned(),
                public_ids,
            })
        })
        .buffer_unordered(parallelism)
        .try_collect()
        .await
}
