//! One operation against the API, made safe to repeat.
//!
//! A POST whose answer was lost may have been carried out, so it is never simply sent again:
//! the executor reads the list and creates only what is still missing. "Already there" (409)
//! for a share, an invitation or a publication request, and "already gone" (404) for a
//! removal, mean the operation's goal is reached.
//!
//! Profiles and teams are in `profiles`, networks, connectors, shares and publication in
//! `objects`, token operations in `tokens`, the lookup of the ids a plan's references stand for
//! in `references`, and keeping one of the copies concurrent applies made in `copies`.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

use tokio::sync::Mutex;

mod billing;
mod copies;
mod objects;
mod profiles;
mod references;
mod tokens;

use super::groups::Check;
use super::tokens_file::TokensFileError;
use super::{CreatedToken, Guard};
use crate::access::{Access, AccessError};
use crate::api::{ApiError, ShareError};
use crate::live::{Id, ObjectKind};
use crate::plan::{Operation, OperationKind};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A new token's value could not be written to `--tokens-out`: the token was removed
    /// again (`removed`), so that no token exists whose value nobody has.
    #[error("{}", value_not_saved(*removed))]
    ValueNotSaved {
        #[source]
        source: TokensFileError,
        removed: bool,
    },
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error("{0}")]
    Unmet(String),
    #[error("not attempted: {0}")]
    Refused(String),
}

impl ExecuteError {
    /// True when running again may succeed without a change (see [`ApiError::is_transient`]);
    /// the apply lock lost is such a case, a refused two-factor code or a refusal is not.
    pub fn is_transient(&self) -> bool {
        match self {
            ExecuteError::Api(error) => error.is_transient(),
            ExecuteError::Access(AccessError::ShortLivedToken { source, .. }) => {
                source.is_transient()
            }
            ExecuteError::Access(_) => false,
            ExecuteError::Share(ShareError::Api(error)) => error.is_transient(),
            ExecuteError::Share(_) => false,
            ExecuteError::ValueNotSaved { .. } | ExecuteError::Unmet(_) => false,
            ExecuteError::Refused(_) => true,
        }
    }
}

fn value_not_saved(removed: bool) -> &'static str {
    if removed {
        "its value could not be saved to --tokens-out, so the new token was removed again and \
         TagoIO holds what it held before; fix the file or free the space, then apply again"
    } else {
        "its value could not be saved to --tokens-out, and removing the new token failed too: \
         on TagoIO, delete the newest token of this name by hand (its value is known to nobody), \
         fix the file or free the space, then apply again"
    }
}

/// How an operation ended in [`Executor::run`].
#[derive(Debug)]
pub enum Ran {
    Done,
    /// A network or connector was made with this id; it counts as done once
    /// [`Executor::keep_earliest_objects`] has checked it against concurrent copies.
    Created(Id),
    /// A share or an unshare was sent, for this recipient id; it counts as done once
    /// [`Executor::confirm_shares`] has read the object's share list.
    Sent(Id),
}

/// Runs operations, remembering the ids of what it creates for the operations that follow.
pub struct Executor<'a> {
    access: &'a Access,
    guard: &'a dyn Guard,
    tokens_out: Option<&'a Path>,
    profiles: Mutex<BTreeMap<String, Id>>,
    objects: Mutex<BTreeMap<(ObjectKind, String), Id>>,
    tokens: Mutex<Vec<CreatedToken>>,
    /// Set once a new token's value could not be saved: no further token is made in this run,
    /// since its value could not be saved either.
    value_unsaved: std::sync::atomic::AtomicBool,
    /// Held through each add-on purchase: each sends the whole list of an add-on's profiles,
    /// so two at once could each leave out the other's profile.
    subscription: Mutex<()>,
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
            value_unsaved: std::sync::atomic::AtomicBool::new(false),
            subscription: Mutex::new(()),
        }
    }

    pub fn into_created_tokens(self) -> Vec<CreatedToken> {
        self.tokens.into_inner()
    }

    /// Runs one operation. A created network or connector is not yet recorded: its id waits
    /// for [`Self::keep_earliest_objects`], so nothing is built on a copy about to go. A share
    /// or an unshare is only sent: [`Self::confirm_shares`] settles it.
    pub async fn run(&self, operation: &Operation) -> Result<Ran, ExecuteError> {
        self.guard.check().map_err(ExecuteError::Refused)?;
        if let OperationKind::CreateObject {
            target,
            object,
            networks,
        } = &operation.kind
        {
            let client = self.profile_client(target).await?;
            let profile_id = self.profile_id(target).await?;
            let networks = self.network_ids(networks).await?;
            let id = self
                .create_object(&client, &profile_id, object, operation, networks)
                .await?;
            return Ok(Ran::Created(id));
        }
        match &operation.kind {
            OperationKind::Share {
                target,
                object,
                recipient,
            } => {
                let id = self.share(target, object, recipient).await?;
                return Ok(Ran::Sent(id));
            }
            OperationKind::Unshare {
                target,
                object,
                recipient_id,
                ..
            } => {
                let id = self.unshare(target, object, recipient_id).await?;
                return Ok(Ran::Sent(id));
            }
            _ => {}
        }
        self.run_other(operation).await.map(|()| Ran::Done)
    }

    /// Every operation but the create of a network or connector, by kind.
    async fn run_other(&self, operation: &Operation) -> Result<(), ExecuteError> {
        match &operation.kind {
            OperationKind::CreateProfile {
                target,
                name,
                logo_url,
                banner_url,
            } => {
                self.create_profile(target, name, logo_url, banner_url)
                    .await
            }
            OperationKind::Allocate { entries } => self.allocate(entries).await,
            OperationKind::BuyAddon { target, addon, .. } => self.add_addon(target, *addon).await,
            OperationKind::RemoveAddon { target, addon, .. } => {
                self.remove_addon(target, *addon).await
            }
            OperationKind::UpdateProfile { target } => self.update_profile(target, operation).await,
            OperationKind::DeleteProfile { target, .. } => self.delete_profile(target).await,
            OperationKind::InviteMember { target, email, .. } => self.invite(target, email).await,
            OperationKind::RemoveMember {
                target, account_id, ..
            } => self.remove_member(target, account_id).await,
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
                self.update_object(target, object, networks, operation)
                    .await
            }
            OperationKind::DeleteObject { target, object } => {
                self.delete_object(target, object).await
            }
            OperationKind::Share { .. } | OperationKind::Unshare { .. } => Err(
                ExecuteError::Unmet("a share or an unshare is run by `run`".into()),
            ),
        }
    }
}

impl Executor<'_> {
    /// The one read that settles a group's members (see `groups`).
    pub async fn check(
        &self,
        check: &Check<'_>,
    ) -> Result<Vec<Result<(), ExecuteError>>, ExecuteError> {
        match check {
            Check::Copies {
                target,
                kind,
                created,
            } => {
                let created: Vec<_> = created
                    .iter()
                    .map(|(_, object, id)| (*object, id.clone()))
                    .collect();
                self.keep_earliest_objects(target, *kind, &created).await
            }
            Check::Shares {
                target,
                object,
                sent,
            } => {
                let sent: Vec<_> = sent
                    .iter()
                    .map(|(_, action, id)| (*action, id.clone()))
                    .collect();
                self.confirm_shares(target, object, &sent).await
            }
        }
    }
}

/// Creates, or, when the answer to the create was lost, finds what the lost create made and
/// creates again only if nothing is there.
async fn create_or_find<C, CF, F, FF>(create: C, find: F) -> Result<Id, ExecuteError>
where
    C: Fn() -> CF,
    CF: Future<Output = Result<Id, ApiError>>,
    F: Fn() -> FF,
    FF: Future<Output = Result<Option<Id>, ExecuteError>>,
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

fn invalid(error: serde_json::Error) -> ExecuteError {
    ExecuteError::Unmet(format!("could not build the request body: {error}"))
}
