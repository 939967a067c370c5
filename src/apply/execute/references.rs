//! What a plan's references stand for on TagoIO: a profile, network or connector is named by
//! its live id when the plan knew it, else by the id an earlier operation of this run created.
//! Every operation starts here, so these lookups sit apart from the operations themselves.

use super::{ExecuteError, Executor};
use crate::api::Client;
use crate::live::{Id, ObjectKind};
use crate::plan::{NetworkRef, ObjectRef, ProfileRef};

impl Executor<'_> {
    /// The live id of a profile: known at plan time, or created by an earlier operation.
    pub(super) async fn profile_id(&self, profile: &ProfileRef) -> Result<Id, ExecuteError> {
        if let Some(id) = &profile.id {
            return Ok(id.clone());
        }
        self.profiles
            .lock()
            .await
            .get(&profile.key)
            .cloned()
            .ok_or_else(|| {
                ExecuteError::Unmet(format!("profile `{}` was not created", profile.key))
            })
    }

    pub(super) async fn profile_client(
        &self,
        profile: &ProfileRef,
    ) -> Result<Client, ExecuteError> {
        let id = self.profile_id(profile).await?;
        Ok(self.access.profile(&profile.key, &id).await?)
    }

    pub(super) async fn object_id(&self, object: &ObjectRef) -> Result<Id, ExecuteError> {
        if let Some(id) = &object.id {
            return Ok(id.clone());
        }
        self.objects
            .lock()
            .await
            .get(&(object.kind, object.key.clone()))
            .cloned()
            .ok_or_else(|| {
                ExecuteError::Unmet(format!("{} `{}` was not created", object.kind, object.key))
            })
    }

    pub(super) async fn network_ids(
        &self,
        networks: &[NetworkRef],
    ) -> Result<Vec<Id>, ExecuteError> {
        let mut ids = Vec::with_capacity(networks.len());
        for network in networks {
            ids.push(match network {
                NetworkRef::Id(id) => id.clone(),
                NetworkRef::Created(key) => {
                    let object = ObjectRef {
                        kind: ObjectKind::Network,
                        key: key.clone(),
                        name: key.clone(),
                        id: None,
                    };
                    self.object_id(&object).await?
                }
            });
        }
        Ok(ids)
    }
}
