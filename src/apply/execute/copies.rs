//! Keeping one copy of what this apply created when another apply made the same at the same
//! time: the earliest copy (creation time, then id) is kept by every run alike.

use std::collections::BTreeMap;

use super::{gone_is_done, ExecuteError, Executor};
use crate::api::{Client, ListQuery};
use crate::live::{Id, ObjectKind};
use crate::plan::{ObjectRef, ProfileRef};

impl Executor<'_> {
    /// Keeps one copy of each object just created in one profile, one list for all of them.
    /// Another apply running at the same time may have made the same object: the earliest
    /// (creation time, then id) is kept by every run alike, and a later one is removed by the
    /// run that made it. The surviving ids are recorded for the operations that follow.
    ///
    /// Sound because each run lists after its own creates: of two copies, the run that made
    /// the later one lists after both exist, so it sees the earlier and gives way.
    /// Returns one result per entry of `created`, or the error of the list itself.
    pub async fn keep_earliest_objects(
        &self,
        target: &ProfileRef,
        kind: ObjectKind,
        created: &[(&ObjectRef, Id)],
    ) -> Result<Vec<Result<(), ExecuteError>>, ExecuteError> {
        let client = self.profile_client(target).await?;
        let profile_id = self.profile_id(target).await?;
        // One object: the list filtered by its name, as small as a list gets.
        let only = match created {
            [(object, _)] => Some(object.name.as_str()),
            _ => None,
        };
        let live = objects_by_name(&client, &profile_id, kind, only).await?;
        let mut results = Vec::with_capacity(created.len());
        for (object, id) in created {
            let earliest = live.get(&object.name).and_then(|same| same.first());
            let result = match earliest {
                Some((_, earliest)) if earliest != id => gone_is_done(match kind {
                    ObjectKind::Network => client.network_delete(id).await,
                    ObjectKind::Connector => client.connector_delete(id).await,
                })
                .map(|()| earliest.clone()),
                _ => Ok(id.clone()),
            };
            results.push(match result {
                Ok(survivor) => {
                    self.objects
                        .lock()
                        .await
                        .insert((kind, object.key.clone()), survivor);
                    Ok(())
                }
                Err(error) => Err(error),
            });
        }
        Ok(results)
    }

    /// [`Self::create_object`]'s rule for profiles: of several profiles of this name, the
    /// earliest is kept and a later one made by this run is deleted.
    pub(super) async fn keep_earliest_profile(
        &self,
        id: Id,
        name: &str,
    ) -> Result<Id, ExecuteError> {
        let account = self.access.account();
        let same: Vec<Id> = account
            .profiles_list()
            .await?
            .into_iter()
            .filter(|p| p.name == name && p.is_own())
            .map(|p| p.id)
            .collect();
        if same.len() < 2 {
            return Ok(id);
        }
        let mut dated = Vec::with_capacity(same.len());
        for other in same {
            match account.profile_info(&other).await {
                Ok(info) => dated.push((info.info.created_at, other)),
                Err(error) if error.is_not_found() => {}
                Err(error) => return Err(error.into()),
            }
        }
        dated.sort();
        match dated.first() {
            Some((_, earliest)) if *earliest != id => {
                let credentials = self.access.credentials().ok_or_else(|| {
                    ExecuteError::Unmet(format!(
                        "another apply created profile `{name}` at the same time ({earliest}); \
                         deleting this run's copy ({id}) needs TAGOIO_EMAIL and TAGOIO_PASSWORD"
                    ))
                })?;
                self.delete_profile_by_id(credentials, &id).await?;
                Ok(earliest.clone())
            }
            _ => Ok(id),
        }
    }
}

/// The ids of `kind` objects named exactly `name` that profile `profile_id` owns, earliest
/// first (creation time, then id). Never a shared-in or catalog object of the same name.
pub(super) async fn named_objects(
    client: &Client,
    profile_id: &str,
    kind: ObjectKind,
    name: &str,
) -> Result<Vec<Dated>, ExecuteError> {
    Ok(objects_by_name(client, profile_id, kind, Some(name))
        .await?
        .remove(name)
        .unwrap_or_default())
}

/// A creation time and an id: sorting these puts the earliest copy first.
type Dated = (Option<chrono::DateTime<chrono::Utc>>, Id);

/// The `kind` objects profile `profile_id` owns, by name, each name's earliest first (creation
/// time, then id); only those named `only` when given (one filtered list instead of all of
/// them). Owned only (`filter[profile]`): a catalog or shared-in object of the same name is
/// someone else's, never a copy to keep or delete.
async fn objects_by_name(
    client: &Client,
    profile_id: &str,
    kind: ObjectKind,
    only: Option<&str>,
) -> Result<BTreeMap<String, Vec<Dated>>, ExecuteError> {
    // Only what tells copies apart: the list stays small however long the decoders are.
    let mut query = ListQuery::default().fields(["id", "name", "created_at", "public"]);
    if let Some(name) = only {
        query = query.filter("name", name);
    }
    let found: Vec<(Option<String>, bool, Dated)> = match kind {
        ObjectKind::Network => client
            .owned_networks(profile_id, &query)
            .await?
            .into_iter()
            .map(|n| {
                (
                    n.fields.name,
                    n.fields.public == Some(true),
                    (n.created_at, n.id),
                )
            })
            .collect(),
        ObjectKind::Connector => client
            .owned_connectors(profile_id, &query)
            .await?
            .into_iter()
            .map(|c| (c.fields.name, c.public == Some(true), (c.created_at, c.id)))
            .collect(),
    };
    // A public object in a list of what the profile owns: the server ignored
    // `filter[profile]`, and any copy it shows may be someone else's.
    if found.iter().any(|(_, public, _)| *public) {
        return Err(ExecuteError::Unmet(format!(
            "the list of the {}s that profile {profile_id} owns holds public (catalog) ones: \
             the API ignored `filter[profile]`, so nothing is deleted or adopted (run \
             `tagoform doctor`)",
            kind.as_str()
        )));
    }
    let mut by_name: BTreeMap<String, Vec<Dated>> = BTreeMap::new();
    for (name, _, dated) in found {
        match name {
            Some(name) if only.is_none_or(|only| only == name) => {
                by_name.entry(name).or_default().push(dated)
            }
            _ => {}
        }
    }
    for same in by_name.values_mut() {
        same.sort();
    }
    Ok(by_name)
}
