//! A profile's account tokens. Creating one needs the account's password (and pin when
//! two-factor is on); its value is answered in full, once, on creation.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;

use super::account::{verify_in, SecondFactor};
use super::profiles::openable;
use super::{ok, require_name, Auth, Body};
use crate::error::{ErrorReply, ReplyResult};
use crate::expiry::parse_expire_time;
use crate::model::StoredToken;
use crate::query::ListParams;
use crate::store::AppState;
use tagoform_wire::types::{
    ApiSuccess, Expiry, Permission, TokenCreateRequest, TokenCreateResponse, TokenListItem,
    TOKEN_TYPE_ACCOUNT,
};

/// Fields a token list answers with when the query names none (as the SDK's default).
const DEFAULT_FIELDS: &[&str] = &["name", "token", "permission"];

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ReplyResult<Json<ApiSuccess<Vec<serde_json::Value>>>> {
    let query = ListParams::parse(raw.as_deref(), ("created_at", false))?;
    let items = state.read(|data, _| {
        let profile = openable(data, &auth.account, &id)?;
        let items = data
            .tokens
            .values()
            .filter(|token| token.profile == profile.id)
            .filter_map(|token| match serde_json::to_value(list_item(token)) {
                Ok(serde_json::Value::Object(map)) => Some(map),
                _ => None,
            })
            .collect();
        Ok(query.apply(items, DEFAULT_FIELDS))
    })?;
    Ok(ok(items))
}

fn list_item(token: &StoredToken) -> TokenListItem {
    TokenListItem {
        name: token.name.clone(),
        token: token.value.clone(),
        permission: token.permission,
        expire_time: token.expire.into(),
        kind: token.kind.clone(),
        created_at: token.created_at,
        last_authorization: None,
        created_by: None,
    }
}

pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Body(request): Body<TokenCreateRequest>,
) -> ReplyResult<Json<ApiSuccess<TokenCreateResponse>>> {
    let name = require_name(&request.name, "Token")?;
    if request.permission == Permission::Deny {
        return Err(ErrorReply::bad_request(
            "Invalid permission `deny`: use full, write or read",
        ));
    }
    let response = state
        .write(|context| {
            let profile = openable(context.state, &auth.account, &id)?.id.clone();
            let verified = verify_in(
                context,
                (&request.email, request.password.expose()),
                SecondFactor::authenticator(request.pin_code.as_ref(), request.otp_type),
                StatusCode::BAD_REQUEST,
            )?;
            let code = verified.code;
            if verified.account.id != auth.account {
                return Err(ErrorReply::forbidden(
                    "The email and password must be those of the account making the request",
                ));
            }
            let expire = match request.expire_time.as_deref() {
                None => Expiry::Never,
                Some(text) => {
                    parse_expire_time(text, context.now).map_err(ErrorReply::bad_request)?
                }
            };
            let value = context.state.new_token_value(context.rng);
            crate::two_factor::consume(context.state, &auth.account, code);
            let token = StoredToken {
                value: value.clone().into(),
                name,
                account: auth.account.clone(),
                profile,
                permission: request.permission,
                expire,
                kind: TOKEN_TYPE_ACCOUNT.into(),
                created_at: context.now,
            };
            context.state.tokens.insert(value.clone(), token);
            Ok(TokenCreateResponse {
                token: value.into(),
                expire_date: expire,
                permission: request.permission,
            })
        })
        .await?;
    Ok(ok(response))
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, value)): Path<(String, String)>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    state
        .write(|context| {
            let profile = openable(context.state, &auth.account, &id)?.id.clone();
            match context.state.tokens.get(&value) {
                Some(token) if token.profile == profile => {}
                _ => return Err(ErrorReply::not_found("Token not found")),
            }
            context.state.tokens.remove(&value);
            Ok(())
        })
        .await?;
    Ok(ok("Token Successfully Removed".to_string()))
}
