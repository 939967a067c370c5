//! Account-level endpoints: login, profile tokens, profiles, team and account tokens.
//!
//! One method per route, named after what it does. Requests that carry a password or
//! a token value register it with the call, so an echo of it in the server's message
//! is hidden, and answers that hold token values never appear as error excerpts.

use serde::de::IgnoredAny;

use super::client::Client;
use super::error::ApiError;
use super::query::{ListQuery, SortOrder};
use super::route::{Method, PathArg, Route};
use super::secret::{Secret, Token};
use super::transport::Call;
use super::types::{
    Id, LoginOtpRequest, LoginRequest, LoginResponse, ProfileCreateRequest, ProfileCreateResponse,
    ProfileDeleteRequest, ProfileEditRequest, ProfileInfo, ProfileListItem, ProfileTokenRequest,
    ProfileTokenResponse, TeamInviteRequest, TeamMember, TokenCreateRequest, TokenCreateResponse,
    TokenListItem,
};

/// Every field of a token list item, asked for explicitly because TagoIO's default
/// (`name`, `token`, `permission`) omits the expiry and the type.
pub const TOKEN_FIELDS: [&str; 8] = [
    "name",
    "token",
    "permission",
    "expire_time",
    "type",
    "created_at",
    "last_authorization",
    "created_by",
];

impl Client {
    /// `POST /account/login`: the account and its profiles. Sends no token.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        let route = Route::new(Method::Post, "/account/login", &[])?;
        let call = Call::new(route)
            .anonymous()
            .json(request)?
            .secret(request.password.expose());
        self.execute(with_pin(call, &request.pin_code)).await
    }

    /// `POST /account/login/otp`: asks TagoIO to send a two-factor code by SMS or e-mail
    /// (sdk-js `Account.requestLoginPINCode`). Sends no token.
    pub async fn login_otp(&self, request: &LoginOtpRequest) -> Result<(), ApiError> {
        let route = Route::new(Method::Post, "/account/login/otp", &[])?;
        let call = Call::new(route)
            .anonymous()
            .json(request)?
            .secret(request.password.expose());
        let _: IgnoredAny = self.execute(call).await?;
        Ok(())
    }

    /// `POST /account/profile/token`: a token for one profile, from the account's
    /// credentials. Sends no token.
    pub async fn profile_token_create(
        &self,
        request: &ProfileTokenRequest,
    ) -> Result<ProfileTokenResponse, ApiError> {
        super::route::check_id(&request.profile_id)?;
        let route = Route::new(Method::Post, "/account/profile/token", &[])?;
        let call = Call::new(route)
            .anonymous()
            .sensitive()
            .json(request)?
            .secret(request.password.expose());
        self.execute(with_pin(call, &request.pin_code)).await
    }

    /// `GET /profile`: the account's profiles and those shared with it (`from_share`).
    pub async fn profiles_list(&self) -> Result<Vec<ProfileListItem>, ApiError> {
        let route = Route::new(Method::Get, "/profile", &[])?;
        self.execute(Call::new(route)).await
    }

    /// `POST /profile`: creates a profile and returns its id.
    pub async fn profile_create(&self, name: &str) -> Result<Id, ApiError> {
        let route = Route::new(Method::Post, "/profile", &[])?;
        let body = ProfileCreateRequest {
            name: name.to_owned(),
        };
        let created: ProfileCreateResponse = self.execute(Call::new(route).json(&body)?).await?;
        Ok(created.id)
    }

    /// `GET /profile/{id}`.
    pub async fn profile_info(&self, profile_id: &str) -> Result<ProfileInfo, ApiError> {
        let route = Route::new(Method::Get, "/profile/{id}", &[PathArg::Id(profile_id)])?;
        self.execute(Call::new(route)).await
    }

    /// `GET /profile/current`: the profile the client's token belongs to (sdk-js
    /// `profiles.info("current")`).
    pub async fn profile_current(&self) -> Result<ProfileInfo, ApiError> {
        let route = Route::new(Method::Get, "/profile/current", &[])?;
        self.execute(Call::new(route)).await
    }

    /// `PUT /profile/{id}`: changes the fields present in `edit`.
    pub async fn profile_edit(
        &self,
        profile_id: &str,
        edit: &ProfileEditRequest,
    ) -> Result<(), ApiError> {
        let route = Route::new(Method::Put, "/profile/{id}", &[PathArg::Id(profile_id)])?;
        let _: IgnoredAny = self.execute(Call::new(route).json(edit)?).await?;
        Ok(())
    }

    /// `DELETE /profile/{id}`: needs the account's password.
    pub async fn profile_delete(
        &self,
        profile_id: &str,
        credentials: &ProfileDeleteRequest,
    ) -> Result<(), ApiError> {
        let route = Route::new(Method::Delete, "/profile/{id}", &[PathArg::Id(profile_id)])?;
        let call = Call::new(route)
            .json(credentials)?
            .secret(credentials.password.expose());
        let _: IgnoredAny = self.execute(with_pin(call, &credentials.pin_code)).await?;
        Ok(())
    }

    /// `GET /profile/{id}/team`: members and pending invitations (`active: false`).
    pub async fn team_list(&self, profile_id: &str) -> Result<Vec<TeamMember>, ApiError> {
        self.team_list_as(profile_id).await
    }

    /// `GET /profile/{id}/team` as TagoIO sent it, each item an untyped object: for checking
    /// the shape of the answer (`tagoform doctor`), where the typed list would hide extra or
    /// missing keys.
    pub async fn team_list_raw(
        &self,
        profile_id: &str,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, ApiError> {
        self.team_list_as(profile_id).await
    }

    async fn team_list_as<T: serde::de::DeserializeOwned>(
        &self,
        profile_id: &str,
    ) -> Result<Vec<T>, ApiError> {
        let route = Route::new(
            Method::Get,
            "/profile/{id}/team",
            &[PathArg::Id(profile_id)],
        )?;
        self.execute(Call::new(route)).await
    }

    /// `POST /profile/{id}/team`: invites an email that has a TagoIO account.
    pub async fn team_invite(&self, profile_id: &str, email: &str) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Post,
            "/profile/{id}/team",
            &[PathArg::Id(profile_id)],
        )?;
        let body = TeamInviteRequest {
            email: email.to_owned(),
        };
        let _: IgnoredAny = self.execute(Call::new(route).json(&body)?).await?;
        Ok(())
    }

    /// `DELETE /profile/{id}/team/{account_id}`: removes a member or revokes an invitation.
    pub async fn team_remove(&self, profile_id: &str, account_id: &str) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Delete,
            "/profile/{id}/team/{account_id}",
            &[PathArg::Id(profile_id), PathArg::Id(account_id)],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route)).await?;
        Ok(())
    }

    /// `GET /profile/{id}/token`, every page, every field, oldest first.
    pub async fn tokens_list(&self, profile_id: &str) -> Result<Vec<TokenListItem>, ApiError> {
        let route = Route::new(
            Method::Get,
            "/profile/{id}/token",
            &[PathArg::Id(profile_id)],
        )?;
        let query = ListQuery::default()
            .fields(TOKEN_FIELDS)
            .order_by("created_at", SortOrder::Asc);
        self.list_all(route, &query, true).await
    }

    /// `POST /profile/{id}/token`: the only answer that holds the new token's value.
    pub async fn token_create(
        &self,
        profile_id: &str,
        request: &TokenCreateRequest,
    ) -> Result<TokenCreateResponse, ApiError> {
        let route = Route::new(
            Method::Post,
            "/profile/{id}/token",
            &[PathArg::Id(profile_id)],
        )?;
        let call = Call::new(route)
            .sensitive()
            .json(request)?
            .secret(request.password.expose());
        self.execute(with_pin(call, &request.pin_code)).await
    }

    /// `DELETE /profile/{id}/token/{token}`: the value travels in the path and is shown
    /// as `***` in logs and errors.
    pub async fn token_delete(&self, profile_id: &str, token: &Token) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Delete,
            "/profile/{id}/token/{token}",
            &[PathArg::Id(profile_id), PathArg::Secret(token.expose())],
        )?;
        let call = Call::new(route).secret(token.expose());
        let _: IgnoredAny = self.execute(call).await?;
        Ok(())
    }
}

fn with_pin<'a>(call: Call<'a>, pin: &'a Option<Secret>) -> Call<'a> {
    match pin {
        Some(pin) => call.secret(pin.expose()),
        None => call,
    }
}
