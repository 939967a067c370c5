//! One operation against the API, made safe to repeat.
//!
//! A POST whose answer was lost may have been carried out, so it is never simply sent again:
//! the executor reads the list and creates only what is still missing. "Already there" (409)
//! for a share, an invitation or a publication request, and "already gone" (404) for a
//! removal, mean the operation's goal is reached.
//!
//! Token operations are in `tokens`, the lookup of the ids a plan's references stand for in
//! `references`, and keeping one of the copies concurrent applies made in `copies`.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

use tokio::sync::Mutex;

mod copies;
mod references;
mod tokens;

use copies::named_objects;

use super::body::object_body;
use super::tokens_file::TokensFileError;
use super::{CreatedToken, Guard};
use crate::api::types::{
    ConnectorCreateInfo, NetworkCreateInfo, ProfileDeleteRequest, ProfileEditRequest,
};
use crate::api::{ApiError, Client, IntegrationKind};
use crate::live::{Access, AccessError, Id, ObjectKind};
use crate::plan::{ObjectRef, Operation, OperationKind};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("the new token was made, but its value could not be saved")]
    TokensFile(#[from] TokensFileError),
    #[error("{0}")]
    Unmet(String),
    #[error("not attempted: {0}")]
    Refused(String),
}

/// How an operation ended in [`Executor::run`].
#[derive(Debug)]
pub enum Ran {
    Done,
    /// A network or connector was made with this id; it counts as done once
    /// [`Executor::keep_earliest_objects`] has checked it against concurrent copies.
    Created(Id),
}

/// Runs operations, remembering the ids of what it creates for the operations that follow.
pub struct Executor<'a> {
    access: &'a Access,
    guard: &'a dyn Guard,
    tokens_out: Option<&'a Path>,
    profiles: Mutex<BTreeMap<String, Id>>,
    objects: Mutex<BTreeMap<(ObjectKind, String), Id>>,
    tokens: Mutex<Vec<CreatedToken>>,
}

impl<'a> Executor<'a> {
    pub fn new(access: &'a Access, guard: &'a dyn Guard, tokens_out: Option<&'a Path>) -> Self {
        Executor {
            access,
            guard,
            tokens_out,
            profiles: Mutex::new(BTreeMap::new()),
            objects: Mutex::new(BTreeMap::new()),
            tokens: Mutex::new(Vec::new()),
        }
    }

    pub fn into_created_tokens(self) -> Vec<CreatedToken> {
        self.tokens.into_inner()
    }

    /// Runs one operation. A created network or connector is not yet recorded: its id waits
    /// for [`Self::keep_earliest_objects`], so nothing is built on a copy about to go.
    pub async fn run(&self, operation: &Operation) -> Result<Ran, ExecuteError> {
        self.guard.check().map_err(ExecuteError::Refused)?;
        if let OperationKind::CreateObject {
            target,
            object,
            networks,
        } = &operation.kind
        {
            let client = self.profile_client(target).await?;
            let networks = self.network_ids(networks).await?;
            let id = self
                .create_object(&client, object, operation, networks)
                .await?;
            return Ok(Ran::Created(id));
        }
        self.run_other(operation).await.map(|()| Ran::Done)
    }

    async fn run_other(&self, operation: &Operation) -> Result<(), ExecuteError> {
        let account = self.access.account();
        match &operation.kind {
            OperationKind::CreateProfile {
                target,
                name,
                logo_url,
            } => {
                let id = create_or_find(
                    || account.profile_create(name),
                    || async {
                        let profiles = account.profiles_list().await?;
                        Ok(profiles
                            .into_iter()
                            .find(|p| &p.name == name && p.from_share != Some(true))
                            .map(|p| p.id))
                    },
                )
                .await?;
                let id = self.keep_earliest_profile(id, name).await?;
                if logo_url.is_some() {
                    let edit = ProfileEditRequest {
                        name: None,
                        logo_url: logo_url.clone(),
                        banner_url: None,
                    };
                    account.profile_edit(&id, &edit).await?;
                }
                self.profiles.lock().await.insert(target.key.clone(), id);
                Ok(())
            }
            OperationKind::UpdateProfile { target } => {
                let new = |field: &str| {
                    operation
                        .changes
                        .iter()
                        .find(|c| c.field == field)
                        .and_then(|c| c.new.as_str().map(str::to_owned))
                };
                let edit = ProfileEditRequest {
                    name: new("name"),
                    logo_url: new("logo_url"),
                    banner_url: None,
                };
                account
                    .profile_edit(&self.profile_id(target).await?, &edit)
                    .await?;
                Ok(())
            }
            OperationKind::DeleteProfile { target, .. } => {
                let credentials = self.access.credentials().ok_or_else(|| {
                    ExecuteError::Unmet(
                        "deleting a profile needs the account password: set TAGOIO_EMAIL and TAGOIO_PASSWORD".into(),
                    )
                })?;
                let request = ProfileDeleteRequest {
                    password: credentials.password.expose().to_owned(),
                    pin_code: credentials.pin.as_ref().map(|p| p.expose().to_owned()),
                };
                let id = self.profile_id(target).await?;
                gone_is_done(account.profile_delete(&id, &request).await)
            }
            OperationKind::InviteMember { target, email, .. } => {
                let id = self.profile_id(target).await?;
                let team = self.access.team(&target.key, &id).await;
                let sent = team.team_invite(&id, email).await;
                match sent {
                    Err(error) if error.answer_lost() => {
                        let members = team.team_list(&id).await?;
                        let wanted = email.to_lowercase();
                        if members.iter().any(|m| m.email.to_lowercase() == wanted) {
                            return Ok(());
                        }
                        there_is_done(team.team_invite(&id, email).await)
                    }
                    other => there_is_done(other),
                }
            }
            OperationKind::RemoveMember {
                target, account_id, ..
            } => {
                let id = self.profile_id(target).await?;
                let team = self.access.team(&target.key, &id).await;
                gone_is_done(team.team_remove(&id, account_id).await)
            }
            OperationKind::CreateToken {
                target,
                name,
                permission,
                expires,
            } => {
                let id = self.profile_id(target).await?;
                self.create_token(target, &id, name, *permission, expires, &[])
                    .await
                    .map(drop)
            }
            OperationKind::ReplaceToken {
                target,
                name,
                permission,
                expires,
                replaces,
            } => {
                self.replace_token(target, name, *permission, expires, replaces)
                    .await
            }
            OperationKind::DeleteToken {
                target,
                name,
                stamp,
            } => self.delete_token(target, name, stamp).await,
            OperationKind::CreateObject { .. } => Err(ExecuteError::Unmet(
                "a create of a network or connector is run by `run`".into(),
            )),
            OperationKind::UpdateObject {
                target,
                object,
                networks,
            } => {
                let client = self.profile_client(target).await?;
                let networks = match networks {
                    Some(networks) => Some(self.network_ids(networks).await?),
                    None => None,
                };
                let id = self.object_id(object).await?;
                let changes = &operation.changes;
                match object.kind {
                    ObjectKind::Network => {
                        let body: NetworkCreateInfo =
                            object_body(None, changes, None).map_err(invalid)?;
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
            OperationKind::DeleteObject { target, object } => {
                let client = self.profile_client(target).await?;
                let id = self.object_id(object).await?;
                gone_is_done(match object.kind {
                    ObjectKind::Network => client.network_delete(&id).await,
                    ObjectKind::Connector => client.connector_delete(&id).await,
                })
            }
            OperationKind::Share {
                target,
                object,
                recipient,
            } => {
                let client = self.profile_client(target).await?;
                let id = self.object_id(object).await?;
                let recipient = self.profile_id(recipient).await?;
                let kind = wire_kind(object.kind);
                match client.share_add(kind, &id, &recipient).await {
                    Err(error) if error.answer_lost() => {
                        let shares = client.shares_list(kind, &id).await?;
                        if shares.iter().any(|s| s.profile_id == recipient) {
                            return Ok(());
                        }
                        there_is_done(client.share_add(kind, &id, &recipient).await)
                    }
                    other => there_is_done(other),
                }
            }
            OperationKind::Unshare {
                target,
                object,
                recipient_id,
                ..
            } => {
                let client = self.profile_client(target).await?;
                let id = self.object_id(object).await?;
                gone_is_done(
                    client
                        .share_remove(wire_kind(object.kind), &id, recipient_id)
                        .await,
                )
            }
            OperationKind::RequestPublication {
                target,
                object,
                message,
            } => {
                let client = self.profile_client(target).await?;
                let id = self.object_id(object).await?;
                let kind = wire_kind(object.kind);
                match client
                    .publication_submit(kind, &id, message.as_deref())
                    .await
                {
                    Ok(_) => Ok(()),
                    Err(error) if error.answer_lost() => {
                        let status = client.publication_status(kind, &id).await?;
                        if status.message == *message {
                            return Ok(());
                        }
                        client
                            .publication_submit(kind, &id, message.as_deref())
                            .await?;
                        Ok(())
                    }
                    Err(error) => there_is_done::<()>(Err(error)),
                }
            }
        }
    }

    async fn create_object(
        &self,
        client: &Client,
        object: &ObjectRef,
        operation: &Operation,
        networks: Vec<Id>,
    ) -> Result<Id, ExecuteError> {
        let name = object.name.as_str();
        let changes = &operation.changes;
        let find = |client: Client| async move {
            let found = named_objects(&client, object.kind, name).await?;
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
}

/// Creates, or, when the answer to the create was lost, finds what the lost create made and
/// creates again only if nothing is there.
async fn create_or_find<C, CF, F, FF>(create: C, find: F) -> Result<Id, ExecuteError>
where
    C: Fn() -> CF,
    CF: Future<Output = Result<Id, ApiError>>,
    F: Fn() -> FF,
    FF: Future<Output = Result<Option<Id>, ApiError>>,
{
    match create().await {
        Ok(id) => Ok(id),
        Err(error) if error.answer_lost() => match find().await? {
            Some(id) => Ok(id),
            None => Ok(create().await?),
        },
        Err(error) => Err(error.into()),
    }
}

/// A 404 on a removal: someone removed it already, which is what was wanted.
fn gone_is_done(result: Result<(), ApiError>) -> Result<(), ExecuteError> {
    match result {
        Err(error) if error.is_not_found() => Ok(()),
        other => Ok(other?),
    }
}

/// A 409 on an addition: it is there already (another run, or a lost answer).
fn there_is_done<T>(result: Result<T, ApiError>) -> Result<(), ExecuteError> {
    match result {
        Ok(_) => Ok(()),
        Err(error) if error.is_conflict() => Ok(()),
        Err(error) => Err(error.into()),
    }
}

fn wire_kind(kind: ObjectKind) -> IntegrationKind {
    match kind {
        ObjectKind::Network => IntegrationKind::Network,
        ObjectKind::Connector => IntegrationKind::Connector,
    }
}

fn invalid(error: serde_json::Error) -> ExecuteError {
    ExecuteError::Unmet(format!("could not build the request body: {error}"))
}
