//! Shares of networks and connectors: the one place tagoform calls a share route.
//!
//! *Unverified.* TagoIO has private sharing of networks and connectors since API v8.5.1
//! (changelog `2023-01-31-v8-5-1.md`; help article "Sharing Connectors & Networks"), but no
//! public TagoIO source (SDK, OpenAPI spec, MCP server) names its routes or bodies. The routes
//! below are tagoform's model (docs/api.md, "Shares"), so nothing here trusts an answer
//! alone: a share or an unshare counts as done only when the share list, read back, shows
//! it; a 404 proves nothing (it may mean the route does not exist). When the list itself
//! answers in a way the model does not expect, the error says to run `tagoform doctor`.

use serde::de::IgnoredAny;

use super::client::Client;
use super::error::ApiError;
use super::route::{Method, PathArg, Route};
use super::transport::Call;
use super::types::{Id, ShareItem, ShareRequest};
use crate::kind::ObjectKind;

/// What a share operation could not establish.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The share list answered, but not in the modelled shape (or not at all where an owner
    /// must be able to read it): the share routes may differ on this TagoIO.
    #[error(
        "the share list of {kind} {id} did not answer as tagoform's model of the (unpublished) \
         share routes expects; run `tagoform doctor` to see which route differs"
    )]
    Unexpected {
        kind: &'static str,
        id: Id,
        #[source]
        source: ApiError,
    },
    /// The write was answered, but the list read back does not show its effect.
    #[error(
        "TagoIO answered the {action} of {kind} {id} with profile {profile}, but its share list \
         does not show it; nothing is assumed done (run `tagoform doctor`)"
    )]
    Unconfirmed {
        action: &'static str,
        kind: &'static str,
        id: Id,
        profile: Id,
    },
}

fn share_list_route(kind: ObjectKind, id: &str) -> Result<Route, ApiError> {
    Route::new(
        Method::Get,
        "/integration/{kind}/{id}/share",
        &[PathArg::Word(kind.as_str()), PathArg::Id(id)],
    )
}

impl Client {
    /// `GET /integration/{kind}/{id}/share` *(unverified)*: the recipient profile ids. The
    /// owner can always read it, so a 404, another error status or an answer of another
    /// shape is [`ShareError::Unexpected`]; transport failures and 401/403/429/5xx stay
    /// [`ShareError::Api`].
    pub async fn share_recipients(
        &self,
        kind: ObjectKind,
        id: &str,
    ) -> Result<Vec<Id>, ShareError> {
        let route = share_list_route(kind, id)?;
        match self.execute::<Vec<ShareItem>>(Call::new(route)).await {
            Ok(items) => Ok(items.into_iter().map(|item| item.profile_id).collect()),
            Err(source) if unexpected(&source) => Err(ShareError::Unexpected {
                kind: kind.as_str(),
                id: id.to_owned(),
                source,
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// Shares `id` with `profile_id`, confirmed by the share list. A 409 (already shared, or
    /// a lost answer repeated) and a lost answer are settled by the list, not assumed.
    pub async fn share_confirmed(
        &self,
        kind: ObjectKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ShareError> {
        self.share_send(kind, id, profile_id).await?;
        self.confirm(kind, id, profile_id, ShareAction::Share).await
    }

    /// Sends the share of `id` with `profile_id`, unconfirmed: the caller reads the share list
    /// back ([`ShareAction::settled_by`]) before counting it done. A 409 (already shared, or
    /// a lost answer repeated) and a lost answer are left for the list to settle.
    pub async fn share_send(
        &self,
        kind: ObjectKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ShareError> {
        super::route::check_id(profile_id)?;
        let route = Route::new(
            Method::Post,
            "/integration/{kind}/{id}/share",
            &[PathArg::Word(kind.as_str()), PathArg::Id(id)],
        )?;
        let body = ShareRequest {
            profile_id: profile_id.to_owned(),
        };
        let sent: Result<IgnoredAny, ApiError> = self.execute(Call::new(route).json(&body)?).await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) if error.is_conflict() || error.answer_lost() => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Stops sharing `id` with `profile_id`, confirmed by the share list. A 404 or a lost
    /// answer is settled by the list.
    pub async fn unshare_confirmed(
        &self,
        kind: ObjectKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ShareError> {
        self.unshare_send(kind, id, profile_id).await?;
        self.confirm(kind, id, profile_id, ShareAction::Unshare)
            .await
    }

    /// Sends the unshare, unconfirmed (see [`Self::share_send`]); a 404 or a lost answer is
    /// left for the list to settle.
    pub async fn unshare_send(
        &self,
        kind: ObjectKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ShareError> {
        let route = Route::new(
            Method::Delete,
            "/integration/{kind}/{id}/share/{profile_id}",
            &[
                PathArg::Word(kind.as_str()),
                PathArg::Id(id),
                PathArg::Id(profile_id),
            ],
        )?;
        let sent: Result<IgnoredAny, ApiError> = self.execute(Call::new(route)).await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) if error.is_not_found() || error.answer_lost() => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Reads the share list once and settles one action with it.
    async fn confirm(
        &self,
        kind: ObjectKind,
        id: &str,
        profile_id: &str,
        action: ShareAction,
    ) -> Result<(), ShareError> {
        let listed = self.share_recipients(kind, id).await?;
        action.settled_by(&listed, kind, id, profile_id)
    }
}

/// A share or an unshare, as the share list read back settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareAction {
    Share,
    Unshare,
}

impl ShareAction {
    /// Done when `listed` (the share list read after the write) shows the action's effect:
    /// `profile_id` on it after a share, absent after an unshare. One read of the list
    /// settles every action on the object sent before it.
    pub fn settled_by(
        self,
        listed: &[Id],
        kind: ObjectKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ShareError> {
        let shown = listed.iter().any(|p| p == profile_id);
        if shown == (self == ShareAction::Share) {
            return Ok(());
        }
        Err(ShareError::Unconfirmed {
            action: match self {
                ShareAction::Share => "share",
                ShareAction::Unshare => "unshare",
            },
            kind: kind.as_str(),
            id: id.to_owned(),
            profile: profile_id.to_owned(),
        })
    }
}

/// An answer the model does not allow for the owner's share list: not a passing failure
/// (transport, 401, 403, 429, 5xx) but a 404, another 4xx, or a body of another shape.
fn unexpected(error: &ApiError) -> bool {
    match error {
        ApiError::Decode { .. } => true,
        ApiError::Api { status, .. } | ApiError::UnexpectedStatus { status, .. } => {
            matches!(status, 400 | 404 | 405 | 410)
        }
        _ => false,
    }
}
