//! Account tokens: creating one, replacing one (the new one first, then the old ones of that
//! name) and deleting a stale one. Apart from the other operations because a token's value is
//! shown only once, and the token this run authenticates with must never be deleted under it.

use std::sync::atomic::Ordering;

use super::{gone_is_done, invalid, ExecuteError, Executor};
use crate::api::types::{Permission as WirePermission, TokenCreateRequest, TokenListItem};
use crate::api::{Secret, Token};
use crate::apply::{tokens_file, CreatedToken};
use crate::config::{parse_expiry, Expiry as ConfigExpiry, Permission};
use crate::plan::{add_period, ProfileRef, TokenStamp};

impl Executor<'_> {
    /// A token whose permission or expiry changed (or that expired): creates the new one,
    /// then deletes the old ones of that name.
    pub(super) async fn replace_token(
        &self,
        target: &ProfileRef,
        name: &str,
        permission: Permission,
        expires: &str,
        replaces: &[TokenStamp],
    ) -> Result<(), ExecuteError> {
        let id = self.profile_id(target).await?;
        // The list that checked the new token for concurrent copies also shows the
        // old ones: no second read.
        let (new, live) = self
            .create_token(target, &id, name, permission, expires, replaces)
            .await?;
        // The new token may share the old one's stamp (same permission, made in the
        // same instant): never delete the value just made.
        let old_ones: Vec<&TokenListItem> = live
            .iter()
            .filter(|t| t.token != new && is_stamped(t, name, replaces))
            .collect();
        self.delete_tokens(&id, name, &old_ones).await
    }

    /// A stale token of a managed name, left by an interrupted replacement: deletes it.
    pub(super) async fn delete_token(
        &self,
        target: &ProfileRef,
        name: &str,
        stamp: &TokenStamp,
    ) -> Result<(), ExecuteError> {
        let id = self.profile_id(target).await?;
        let live = self.access.account().tokens_list(&id).await?;
        let stamps = std::slice::from_ref(stamp);
        let old_ones: Vec<&TokenListItem> = live
            .iter()
            .filter(|t| is_stamped(t, name, stamps))
            .collect();
        self.delete_tokens(&id, name, &old_ones).await
    }

    /// Deletes outdated tokens, except one this run authenticates with: deleting it would
    /// make every later request fail, so it is kept and the operation fails with what to do.
    async fn delete_tokens(
        &self,
        profile_id: &str,
        name: &str,
        old_ones: &[&TokenListItem],
    ) -> Result<(), ExecuteError> {
        let mut in_use = false;
        for old in old_ones {
            if self.access.authenticates_with(old.token.expose()) {
                in_use = true;
                continue;
            }
            gone_is_done(
                self.access
                    .account()
                    .token_delete(profile_id, &old.token)
                    .await,
            )?;
        }
        if in_use {
            return Err(ExecuteError::Unmet(format!(
                "the old token `{name}` is the one this run authenticates with, so it was kept; \
                 switch to the new one (its value went to --tokens-out when it was made), then \
                 apply again to delete the old one"
            )));
        }
        Ok(())
    }

    /// Creates an account token and keeps its value for `--tokens-out`. When the answer is
    /// lost, the token list (which carries values) tells whether it was made. Returns the value,
    /// and the profile's tokens as listed after the create (to check for concurrent copies).
    pub(super) async fn create_token(
        &self,
        target: &ProfileRef,
        profile_id: &str,
        name: &str,
        permission: Permission,
        expires: &str,
        replaces: &[TokenStamp],
    ) -> Result<(Secret, Vec<TokenListItem>), ExecuteError> {
        let account = self.access.account();
        let credentials = self.access.credentials().ok_or_else(|| {
            ExecuteError::Unmet(
                "creating a token needs the account password: set TAGOIO_EMAIL and TAGOIO_PASSWORD"
                    .into(),
            )
        })?;
        if self.value_unsaved.load(Ordering::SeqCst) {
            return Err(ExecuteError::Unmet(
                "not made: the value of a token made before it in this run could not be saved \
                 to --tokens-out, and this one's could not be either; fix the file or free the \
                 space, then apply again"
                    .into(),
            ));
        }
        let request = TokenCreateRequest {
            name: name.to_owned(),
            permission: wire_permission(permission)?,
            expire_time: Some(expire_time(expires, account.server_now())?),
            email: credentials.email.clone(),
            password: credentials.password.expose().into(),
            otp_type: None,
            pin_code: None,
        };
        // Each sending carries a fresh two-factor code.
        let create = || {
            credentials.call(account, |code| {
                let request = TokenCreateRequest {
                    otp_type: code.otp_type,
                    pin_code: code.pin_code,
                    ..request.clone()
                };
                async move { account.token_create(profile_id, &request).await }
            })
        };
        let before = account.tokens_list(profile_id).await?;
        let token = match create().await {
            Ok(created) => created.token,
            Err(error) if error.answer_lost() => {
                let after = account.tokens_list(profile_id).await?;
                let new = after.into_iter().find(|t| {
                    t.name == name
                        && t.permission.to_string() == permission.as_str()
                        && !before.iter().any(|b| b.token == t.token)
                        && !is_stamped(t, name, replaces)
                });
                match new {
                    Some(found) => found.token,
                    None => create().await?.token,
                }
            }
            Err(error) => return Err(error.into()),
        };
        // Of several new tokens of this name (applies running at the same time), the
        // earliest is kept by every run alike; a later one is removed by the run that made it.
        let live = account.tokens_list(profile_id).await?;
        let mut same: Vec<&TokenListItem> = live
            .iter()
            .filter(|t| {
                t.name == name
                    && t.permission.to_string() == permission.as_str()
                    && !is_stamped(t, name, replaces)
            })
            .collect();
        same.sort_by(|a, b| (a.created_at, &a.token).cmp(&(b.created_at, &b.token)));
        let (token, ours) = match same.first() {
            Some(earliest) if earliest.token != token => {
                gone_is_done(
                    account
                        .token_delete(profile_id, &Token::new(token.expose()))
                        .await,
                )?;
                (earliest.token.clone(), false)
            }
            _ => (token, true),
        };
        let created = CreatedToken {
            profile: target.key.clone(),
            name: name.to_owned(),
            token: token.clone(),
            expires: expires.to_owned(),
        };
        // Written now, not at the end of the run: a crash must not lose a value that TagoIO
        // shows only once. The creation counts as done only once the value is on disk.
        if let Some(path) = self.tokens_out {
            if let Err(source) = tokens_file::write(path, std::slice::from_ref(&created)) {
                self.value_unsaved.store(true, Ordering::SeqCst);
                // A token nobody has the value of is this run's to remove: left in place, the
                // next plan would keep it and delete the old token, whose value was saved. An
                // earliest copy made by another run is that run's, and is left alone.
                let removed = !ours
                    || gone_is_done(
                        account
                            .token_delete(profile_id, &Token::new(token.expose()))
                            .await,
                    )
                    .is_ok();
                return Err(ExecuteError::ValueNotSaved { source, removed });
            }
        }
        self.tokens.lock().await.push(created);
        Ok((token, live))
    }
}

/// True when `token` is one of the planned-for-removal tokens of that name.
fn is_stamped(token: &TokenListItem, name: &str, stamps: &[TokenStamp]) -> bool {
    token.name == name
        && stamps.iter().any(|stamp| {
            let expires_at = token.expire_time.instant();
            stamp.permission == token.permission.to_string()
                && stamp.created_at.is_none_or(|at| at == token.created_at)
                && stamp.expires_at == expires_at
        })
}

fn wire_permission(permission: Permission) -> Result<WirePermission, ExecuteError> {
    serde_json::from_value(serde_json::Value::String(permission.as_str().to_owned()))
        .map_err(invalid)
}

/// The `expire_time` to send for a configured expiry: `never` as it is; a date as the last
/// millisecond of that day in UTC (the token is good through the date the YAML names); a
/// period (`90 days`) as the instant it ends, counted from the server's clock. TagoIO
/// documents `expire_time` as `"never"` or a date (sdk-js `ExpireTimeOption`), so tagoform
/// sends ISO-8601 instants only: how TagoIO reads a bare date or a relative form is not
/// settled by its sources (docs/api.md). The plan compares a date by its day, so the token
/// is not replaced day after day.
fn expire_time(
    expires: &str,
    server_now: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<String, ExecuteError> {
    match parse_expiry(expires).map_err(ExecuteError::Unmet)? {
        ConfigExpiry::Period(period) => {
            let now = server_now.unwrap_or_else(chrono::Utc::now);
            let until = add_period(now, period).ok_or_else(|| {
                ExecuteError::Unmet(format!("the expiry `{expires}` lies too far ahead"))
            })?;
            Ok(crate::api::types::wire_instant(until))
        }
        ConfigExpiry::Date(date) => {
            let end = date
                .and_hms_milli_opt(23, 59, 59, 999)
                .ok_or_else(|| ExecuteError::Unmet(format!("the expiry `{expires}` is no date")))?;
            Ok(crate::api::types::wire_instant(end.and_utc()))
        }
        ConfigExpiry::Never => Ok(expires.to_owned()),
    }
}
