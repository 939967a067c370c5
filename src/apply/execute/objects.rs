//! Networks and connectors with a profile's token: creating, changing and deleting them,
//! sharing and unsharing them.

use super::copies::named_objects;
use super::{create_or_find, gone_is_done, invalid, ExecuteError, Executor};
use crate::api::types::{ConnectorCreateInfo, NetworkCreateInfo};
use crate::api::{Client, ShareAction};
use crate::apply::body::object_body;
use crate::live::{Id, ObjectKind};
use crate::plan::{NetworkRef, ObjectRef, Operation, ProfileRef};

impl Executor<'_> {
    /// Creates the object (or finds the one a lost create made); its id is recorded only
    /// after the check for concurrent copies.
    pub(super) async fn create_object(
        &self,
        client: &Client,
        profile_id: &str,
        object: &ObjectRef,
        operation: &Operation,
        networks: Vec<Id>,
    ) -> Result<Id, ExecuteError> {
        let name = object.name.as_str();
        let changes = &operation.changes;
        let find = |client: Client| async move {
            let found = named_objects(&client, profile_id, object.kind, name).await?;
            Ok(found.into_iter().next().map(|(_, id)| id))
        };
        let id = match object.kind {
            ObjectKind::Network => {
                let body: NetworkCreateInfo =
                    object_body(Some(name), changes, None).map_err(invalid)?;
                create_or_find(|| client.network_create(&body), || find(client.clone())).await?
            }
            ObjectKind::Connector => {
                let body: ConnectorCreateInfo =
                    object_body(Some(name), changes, Some(networks)).map_err(invalid)?;
                create_or_find(|| client.connector_create(&body), || find(client.clone())).await?
            }
        };
        Ok(id)
    }

    /// Sends the fields the operation changes, and the connector's networks when they do.
    pub(super) async fn update_object(
        &self,
        target: &ProfileRef,
        object: &ObjectRef,
        networks: &Option<Vec<NetworkRef>>,
        operation: &Operation,
    ) -> Result<(), ExecuteError> {
        let client = self.profile_client(target).await?;
        let networks = match networks {
            Some(networks) => Some(self.network_ids(networks).await?),
            None => None,
        };
        let id = self.object_id(object).await?;
        let changes = &operation.changes;
        match object.kind {
            ObjectKind::Network => {
                let body: NetworkCreateInfo = object_body(None, changes, None).map_err(invalid)?;
                client.network_edit(&id, &body).await?;
            }
            ObjectKind::Connector => {
                let body: ConnectorCreateInfo =
                    object_body(None, changes, networks).map_err(invalid)?;
                client.connector_edit(&id, &body).await?;
            }
        }
        Ok(())
    }

    pub(super) async fn delete_object(
        &self,
        target: &ProfileRef,
        object: &ObjectRef,
    ) -> Result<(), ExecuteError> {
        let client = self.profile_client(target).await?;
        let id = self.object_id(object).await?;
        gone_is_done(match object.kind {
            ObjectKind::Network => client.network_delete(&id).await,
            ObjectKind::Connector => client.connector_delete(&id).await,
        })
    }

    /// Sends the share with `recipient`; it is done only once the share list, read after
    /// all of the object's shares and unshares, shows it (`confirm_shares`). Returns the
    /// recipient's id, which that read is checked for.
    pub(super) async fn share(
        &self,
        target: &ProfileRef,
        object: &ObjectRef,
        recipient: &ProfileRef,
    ) -> Result<Id, ExecuteError> {
        let client = self.profile_client(target).await?;
        let id = self.object_id(object).await?;
        let recipient = self.profile_id(recipient).await?;
        client.share_send(object.kind, &id, &recipient).await?;
        Ok(recipient)
    }

    /// Sends the unshare of `recipient_id`; done once the share list no longer shows it.
    pub(super) async fn unshare(
        &self,
        target: &ProfileRef,
        object: &ObjectRef,
        recipient_id: &str,
    ) -> Result<Id, ExecuteError> {
        let client = self.profile_client(target).await?;
        let id = self.object_id(object).await?;
        client.unshare_send(object.kind, &id, recipient_id).await?;
        Ok(recipient_id.to_owned())
    }

    /// Reads the object's share list once and settles each share or unshare sent before it:
    /// one result per entry of `sent`, in order.
    pub async fn confirm_shares(
        &self,
        target: &ProfileRef,
        object: &ObjectRef,
        sent: &[(ShareAction, Id)],
    ) -> Result<Vec<Result<(), ExecuteError>>, ExecuteError> {
        let client = self.profile_client(target).await?;
        let id = self.object_id(object).await?;
        let listed = client.share_recipients(object.kind, &id).await?;
        Ok(sent
            .iter()
            .map(|(action, recipient)| {
                Ok(action.settled_by(&listed, object.kind, &id, recipient)?)
            })
            .collect())
    }
}
