//! `POST /account/login` and `POST /account/profile/token`: the routes that take an
//! account's email and password instead of a token. Also the credential check that token
//! creation and profile deletion share.

use axum::http::StatusCode;
use axum::Json;
use tagoform_wire::Secret;

use super::{check_id, ok, require_name, Body};
use crate::billing::SubscriptionPlan;
use crate::error::{ErrorReply, ReplyResult};
use crate::expiry::parse_expire_time;
use crate::model::{Account, State, StoredToken};
use crate::store::AppState;
use crate::two_factor::{self, CodeCheck, CodeUse};
use tagoform_wire::types::{
    ApiSuccess, LoginOtpRequest, LoginRequest, LoginResponse, OtpType, Permission, ProfileListItem,
    ProfileTokenCreated, ProfileTokenRequest, TOKEN_TYPE_LOGIN,
};

/// How long a sign-in token lives when the request names no `expire_time`: TagoIO's
/// auto-generated login tokens last 3 months (help article "Account Token").
pub const LOGIN_TOKEN_DEFAULT_EXPIRY: &str = "3 months";

/// The second factor a credential call carries. TagoIO asks for `pin_code` **and**
/// `otp_type` on every call whose SDK type is `Authenticator` (sdk-js `common.types.ts`);
/// profile deletion's body has `pin_code` only (sdk-js `Profile.ts`).
#[derive(Debug, Clone, Copy)]
pub struct SecondFactor<'a> {
    pub pin_code: Option<&'a str>,
    pub otp_type: Option<OtpType>,
    /// False where the call's body defines no `otp_type`.
    pub needs_otp_type: bool,
}

impl<'a> SecondFactor<'a> {
    /// A call whose body is sdk-js `Authenticator` (`pin_code` and `otp_type`).
    pub fn authenticator(pin_code: Option<&'a Secret>, otp_type: Option<OtpType>) -> Self {
        SecondFactor {
            pin_code: pin_code.map(Secret::expose),
            otp_type,
            needs_otp_type: true,
        }
    }
}

/// The answer to a credential call without a code when two-factor is on: TagoIO's message is
/// itself JSON, `{"otp_enabled": [...], "otp_autosend": "..."}`, which TagoIO's own tools
/// parse to learn which codes they may ask for (tagoio-cli `src/commands/login.ts`). The
/// status is *unverified*.
fn otp_required(account: &Account) -> ErrorReply {
    let enabled = account.otp_types();
    let message = serde_json::json!({
        "otp_enabled": enabled,
        "otp_autosend": enabled.first().copied().unwrap_or(OtpType::Authenticator),
    });
    ErrorReply::bad_request(message.to_string())
}

/// An account whose credentials held, and what its code uses up: the route passes `code` to
/// [`two_factor::consume`] once the call succeeds.
pub struct Verified<'a> {
    pub account: &'a Account,
    pub code: CodeUse,
}

/// [`verify_credentials`] for a body that carries an email, a password and an
/// authenticator-style second factor (`pin_code` with `otp_type`), at the write's clock.
pub fn verify_in<'a>(
    context: &'a crate::store::WriteContext<'_>,
    (email, password): (&str, &str),
    second: SecondFactor<'_>,
    status: axum::http::StatusCode,
) -> ReplyResult<Verified<'a>> {
    verify_credentials(
        context.state,
        email,
        password,
        second,
        status,
        context.code_check(),
    )
}

/// The account these credentials open, with the second factor checked when 2FA is on. Any
/// failure is `status` (or 400) with a message that never repeats the password or the pin.
pub fn verify_credentials<'a>(
    state: &'a State,
    email: &str,
    password: &str,
    second: SecondFactor<'_>,
    status: axum::http::StatusCode,
    when: CodeCheck,
) -> ReplyResult<Verified<'a>> {
    let account = state
        .account_by_email(email)
        .filter(|account| !account.password.is_empty() && account.password.expose() == password)
        .ok_or_else(|| ErrorReply::credentials(status, "Invalid email or password"))?;
    if !account.two_factor {
        return Ok(Verified {
            account,
            code: CodeUse::Nothing,
        });
    }
    let Some(pin) = second.pin_code else {
        return Err(otp_required(account));
    };
    if second.needs_otp_type {
        // *Unverified* wording; the rule (both fields) is sdk-js `Authenticator`.
        let Some(otp_type) = second.otp_type else {
            return Err(ErrorReply::bad_request(
                "otp_type is required with pin_code: sms, email or authenticator",
            ));
        };
        if !account.otp_types().contains(&otp_type) {
            return Err(otp_required(account));
        }
    }
    // Profile deletion names no kind: any enabled kind whose code this is.
    let kinds = match second.otp_type {
        Some(kind) if second.needs_otp_type => vec![kind],
        _ => account.otp_types(),
    };
    let code = kinds
        .into_iter()
        .find_map(|kind| two_factor::check(account, kind, pin, when.now, when.single_use))
        .ok_or_else(|| ErrorReply::credentials(status, "Invalid pin_code"))?;
    Ok(Verified { account, code })
}

/// `POST /account/login/otp` (sdk-js `Account.requestLoginPINCode`): sends a code by SMS or
/// e-mail, only on the Starter and Scale plans (docs `my-account/two-factor-authentication-2fa.md`).
/// The emulator keeps the code for `GET /_emulator/outbox` instead of sending it. Answers
/// *unverified*.
pub async fn login_otp(
    state: axum::extract::State<AppState>,
    Body(request): Body<LoginOtpRequest>,
) -> ReplyResult<Json<ApiSuccess<String>>> {
    state
        .write(|context| {
            let account = context
                .state
                .account_by_email(&request.email)
                .filter(|a| !a.password.is_empty() && a.password == request.password)
                .ok_or_else(|| {
                    ErrorReply::credentials(StatusCode::UNAUTHORIZED, "Invalid email or password")
                })?;
            if !account.two_factor || !account.otp_types().contains(&request.otp_type) {
                return Err(ErrorReply::bad_request(
                    "This two-factor method is not enabled on this account",
                ));
            }
            if request.otp_type == OtpType::Authenticator {
                return Err(ErrorReply::bad_request(
                    "An authenticator code is not sent: read it in the authenticator app",
                ));
            }
            let plan = account.subscription.as_ref().map(|s| s.plan);
            if !matches!(
                plan,
                Some(SubscriptionPlan::Starter | SubscriptionPlan::Scale)
            ) {
                return Err(ErrorReply::bad_request(
                    "Codes by SMS or e-mail are available only on the Starter and Scale plans",
                ));
            }
            let id = account.id.clone();
            if let Some(account) = context.state.accounts.get_mut(&id) {
                two_factor::send(account, request.otp_type, context.now, context.rng);
            }
            Ok(())
        })
        .await?;
    Ok(ok("PIN code sent".to_string()))
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
) -> ReplyResult<Json<ApiSuccess<LoginResponse>>> {
    let response = state
        .write(|context| {
            let verified = verify_in(
                context,
                (&request.email, request.password.expose()),
                SecondFactor::authenticator(request.pin_code.as_ref(), request.otp_type),
                axum::http::StatusCode::UNAUTHORIZED,
            )?;
            let account = verified.account;
            let response = LoginResponse {
                kind: "user".into(),
                id: account.id.clone(),
                email: account.email.clone(),
                company: None,
                name: account.name.clone(),
                profiles: profiles_of(context.state, &account.id),
            };
            let code = verified.code;
            two_factor::consume(context.state, &response.id, code);
            Ok(response)
        })
        .await?;
    Ok(ok(response))
}

pub async fn profile_token(
    state: axum::extract::State<AppState>,
    Body(request): Body<ProfileTokenRequest>,
) -> ReplyResult<Json<ApiSuccess<ProfileTokenCreated>>> {
    check_id(&request.profile_id, "profile")?;
    let name = require_name(&request.name, "Token")?;
    let response = state
        .write(|context| {
            let verified = verify_in(
                context,
                (&request.email, request.password.expose()),
                SecondFactor::authenticator(request.pin_code.as_ref(), request.otp_type),
                axum::http::StatusCode::UNAUTHORIZED,
            )?;
            let (account, code) = (verified.account.id.clone(), verified.code);
            let profile = context
                .state
                .profiles
                .get(&request.profile_id)
                .filter(|profile| context.state.can_open_profile(&account, profile))
                .ok_or_else(|| ErrorReply::not_found("Profile not found"))?;
            let profile = profile.id.clone();
            let expire_text = request
                .expire_time
                .as_deref()
                .unwrap_or(LOGIN_TOKEN_DEFAULT_EXPIRY);
            let expire =
                parse_expire_time(expire_text, context.now).map_err(ErrorReply::bad_request)?;
            let value = context.state.new_token_value(context.rng);
            two_factor::consume(context.state, &account, code);
            let answer = ProfileTokenCreated {
                created_by: account.clone(),
                name: name.clone(),
                permission: Permission::Full,
                profile: profile.clone(),
                token: value.clone().into(),
            };
            context.state.tokens.insert(
                value.clone(),
                StoredToken {
                    value: value.into(),
                    name,
                    account,
                    profile,
                    permission: Permission::Full,
                    expire,
                    kind: TOKEN_TYPE_LOGIN.into(),
                    created_at: context.now,
                },
            );
            Ok(answer)
        })
        .await?;
    Ok(ok(response))
}
