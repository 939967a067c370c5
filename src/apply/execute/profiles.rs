//! Profiles and their teams: account routes, taken with the account token (a profile's team
//! with the token [`crate::access::Access::team`] picks).

use super::{create_or_find, gone_is_done, there_is_done, ExecuteError, Executor};
use crate::access::Credentials;
use crate::api::types::{ProfileDeleteRequest, ProfileEditRequest};
use crate::plan::{Operation, ProfileRef};

impl Executor<'_> {
    /// Creates the profile (or finds the one a lost create made), keeps the earliest of the
    /// copies concurrent applies made, then sets its logo and banner.
    pub(super) async fn create_profile(
        &self,
        target: &ProfileRef,
        name: &str,
        logo_url: &Option<String>,
        banner_url: &Option<String>,
    ) -> Result<(), ExecuteError> {
        let account = self.access.account();
        let id = create_or_find(
            || account.profile_create(name),
            || async {
                let profiles = account.profiles_list().await?;
                Ok(profiles
                    .into_iter()
                    .find(|p| p.name == name && p.is_own())
                    .map(|p| p.id))
            },
        )
        .await?;
        let id = self.keep_earliest_profile(id, name).await?;
        if logo_url.is_some() || banner_url.is_some() {
            let edit = ProfileEditRequest {
                name: None,
                logo_url: logo_url.clone(),
                banner_url: banner_url.clone(),
            };
            account.profile_edit(&id, &edit).await?;
        }
        self.profiles.lock().await.insert(target.key.clone(), id);
        Ok(())
    }

    /// Sends the fields the operation changes (name, logo, banner).
    pub(super) async fn update_profile(
        &self,
        target: &ProfileRef,
        operation: &Operation,
    ) -> Result<(), ExecuteError> {
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
            banner_url: new("banner_url"),
        };
        self.access
            .account()
            .profile_edit(&self.profile_id(target).await?, &edit)
            .await?;
        Ok(())
    }

    /// Deletes the profile, which TagoIO allows only with the account password.
    pub(super) async fn delete_profile(&self, target: &ProfileRef) -> Result<(), ExecuteError> {
        let credentials = self.access.credentials().ok_or_else(|| {
            ExecuteError::Unmet(
                "deleting a profile needs the account password: set TAGOIO_EMAIL and TAGOIO_PASSWORD".into(),
            )
        })?;
        let id = self.profile_id(target).await?;
        self.delete_profile_by_id(credentials, &id).await
    }

    /// `DELETE /profile/{id}` with the password and, with two-factor on, a fresh code for
    /// each attempt; a profile already gone counts as deleted.
    pub(super) async fn delete_profile_by_id(
        &self,
        credentials: &Credentials,
        id: &str,
    ) -> Result<(), ExecuteError> {
        let request = ProfileDeleteRequest {
            password: credentials.password.expose().into(),
            pin_code: None,
        };
        let account = self.access.account();
        let deleted = credentials
            .call(account, |code| {
                let request = ProfileDeleteRequest {
                    pin_code: code.pin_code,
                    ..request.clone()
                };
                async move { account.profile_delete(id, &request).await }
            })
            .await;
        gone_is_done(deleted)
    }

    /// Invites `email`; after a lost answer, invites again only if the team does not list it.
    pub(super) async fn invite(
        &self,
        target: &ProfileRef,
        email: &str,
    ) -> Result<(), ExecuteError> {
        let id = self.profile_id(target).await?;
        let team = self.access.team(&target.key, &id).await;
        match team.team_invite(&id, email).await {
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

    /// Removes a member or revokes an invitation.
    pub(super) async fn remove_member(
        &self,
        target: &ProfileRef,
        account_id: &str,
    ) -> Result<(), ExecuteError> {
        let id = self.profile_id(target).await?;
        let team = self.access.team(&target.key, &id).await;
        gone_is_done(team.team_remove(&id, account_id).await)
    }
}
