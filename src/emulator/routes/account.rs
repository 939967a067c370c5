//! `POST /account/login` and `POST /account/profile/token`: the routes that take an
//! account's email and password instead of a token. Also the credential check that token
//! creation and profile deletion share.

use axum::Json;

use super::{check_id, ok, require_name, Body};
use crate::api::types::{
    ApiSuccess, LoginRequest, LoginResponse, Permission, ProfileListItem, ProfileTokenRequest,
    ProfileTokenResponse, TOKEN_TYPE_LOGIN,
};
use crate::emulator::error::{ApiError, ApiResult};
use crate::emulator::expiry::parse_expire_time;
use crate::emulator::model::{Account, State, Token};
use crate::emulator::store::AppState;

/// How long a sign-in token lives when the request names no `expire_time`.
pub const LOGIN_TOKEN_DEFAULT_EXPIRY: &str = "1 day";

/// The account these credentials open, with the pin checked when 2FA is on. Any failure
/// is `status` with a message that never repeats the password.
pub fn verify_credentials<'a>(
    state: &'a State,
    email: &str,
    password: &str,
    pin_code: Option<&str>,
    status: axum::http::StatusCode,
) -> ApiResult<&'a Account> {
    let account = state
        .account_by_email(email)
        .filter(|account| !account.password.is_empty() && account.password == password)
        .ok_or_else(|| ApiError::credentials(status, "Invalid email or password"))?;
    if account.two_factor {
        let expected = account.pin_code.as_deref().unwrap_or("123456");
        match pin_code {
            None => {
                return Err(ApiError::bad_request(
                    "pin_code is required: two-factor authentication is enabled on this account",
                ))
            }
            Some(pin) if pin != expected => {
                return Err(ApiError::credentials(status, "Invalid pin_code"))
            }
            Some(_) => {}
        }
    }
    Ok(account)
}

/// The profiles an account can open: its own, then those whose team it joined.
pub fn profiles_of(state: &State, account: &str) -> Vec<ProfileListItem> {
    state
        .profiles
        .values()
        .filter(|profile| state.can_open_profile(account, profile))
        .map(|profile| ProfileListItem {
            id: profile.id.clone(),
            name: profile.name.clone(),
            logo_url: profile.logo_url.clone(),
            from_share: Some(profile.account != account),
            account: Some(profile.account.clone()),
        })
        .collect()
}

pub async fn login(
    state: axum::extract::State<AppState>,
    Body(request): Body<LoginRequest>,
) -> ApiResult<Json<ApiSuccess<LoginResponse>>> {
    let response = state.read(|data, _| {
        let account = verify_credentials(
            data,
            &request.email,
            &request.password,
            request.pin_code.as_deref(),
            axum::http::StatusCode::UNAUTHORIZED,
        )?;
        Ok(LoginResponse {
            kind: "user".into(),
            id: account.id.clone(),
            email: account.email.clone(),
            company: None,
            name: account.name.clone(),
            profiles: profiles_of(data, &account.id),
        })
    })?;
    Ok(ok(response))
}

pub async fn profile_token(
    state: axum::extract::State<AppState>,
    Body(request): Body<ProfileTokenRequest>,
) -> ApiResult<Json<ApiSuccess<ProfileTokenResponse>>> {
    check_id(&request.profile_id, "profile")?;
    let name = require_name(&request.name, "Token")?;
    let response = state
        .write(|context| {
            let account = verify_credentials(
                context.state,
                &request.email,
                &request.password,
                request.pin_code.as_deref(),
                axum::http::StatusCode::UNAUTHORIZED,
            )?
            .id
            .clone();
            let profile = context
                .state
                .profiles
                .get(&request.profile_id)
                .filter(|profile| context.state.can_open_profile(&account, profile))
                .ok_or_else(|| ApiError::not_found("Profile not found"))?;
            let profile = profile.id.clone();
            let expire_text = request
                .expire_time
                .as_deref()
                .unwrap_or(LOGIN_TOKEN_DEFAULT_EXPIRY);
            let expire =
                parse_expire_time(expire_text, context.now).map_err(ApiError::bad_request)?;
            let value = context.state.new_token_value(context.rng);
            context.state.tokens.insert(
                value.clone(),
                Token {
                    value: value.clone(),
                    name,
                    account,
                    profile,
                    permission: Permission::Full,
                    expire,
                    kind: TOKEN_TYPE_LOGIN.into(),
                    created_at: context.now,
                },
            );
            Ok(ProfileTokenResponse {
                token: value,
                expire_date: Some(expire),
            })
        })
        .await?;
    Ok(ok(response))
}
