//! PURE: what a lock token is called and who, among the tokens listed, holds the lock.
//!
//! A lock is an account token of the lock profile named `tagoform (apply lock) <run id> by
//! <who>`. Its expiry is the lease: a crashed run's lock lapses on its own. Whether a run holds
//! the lock is judged here from one token list, with the server's clock.

use chrono::{DateTime, Utc};

use crate::api::types::{ListedExpiry, TokenListItem};
use crate::text::visible;

/// Every lock token's name starts with this. Configurations may not name a token so.
pub const LOCK_TOKEN_PREFIX: &str = "tagoform (apply lock) ";

/// Longest `who` kept in a lock token's name; the rest is cut.
const MAX_WHO_CHARS: usize = 80;

/// The name of run `run_id`'s lock token.
pub fn token_name(run_id: &str, who: &str) -> String {
    format!("{LOCK_TOKEN_PREFIX}{run_id} by {who}")
}

/// Who is applying, for the message another run prints while it waits: the user and host,
/// and the CI job when there is one. `env` reads a variable (empty counts as unset).
pub fn who(env: impl Fn(&str) -> Option<String>) -> String {
    use crate::environment::{CI_JOB_ID, GITHUB_RUN_ID, HOSTNAME, USER, USERNAME};
    let user = env(USER)
        .or_else(|| env(USERNAME))
        .unwrap_or_else(|| "someone".to_owned());
    let host = env(HOSTNAME).unwrap_or_else(|| "unknown host".to_owned());
    let mut who = format!("{user}@{host}");
    if let Some(run) = env(GITHUB_RUN_ID) {
        who.push_str(&format!(" (GitHub run {run})"));
    } else if let Some(job) = env(CI_JOB_ID) {
        who.push_str(&format!(" (GitLab job {job})"));
    }
    // Control characters would let a name rewrite the terminal of whoever reads it.
    who.chars()
        .filter(|c| !c.is_control())
        .take(MAX_WHO_CHARS)
        .collect()
}

/// A lock token as another run sees it: no value, only what a person needs to act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub run_id: String,
    pub who: String,
    pub since: DateTime<Utc>,
    pub expires: Option<DateTime<Utc>>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Both come from a token's name, which anyone who can make tokens chose.
        write!(
            f,
            "lock {} by {}, taken at {}",
            visible(&self.run_id),
            visible(&self.who),
            self.since.format("%Y-%m-%d %H:%M:%S UTC")
        )?;
        if let Some(expires) = self.expires {
            write!(f, ", lapses at {}", expires.format("%H:%M:%S UTC"))?;
        }
        Ok(())
    }
}

/// The holder a lock token names, or `None` for any other token.
pub fn holder(item: &TokenListItem) -> Option<Holder> {
    let rest = item.name.strip_prefix(LOCK_TOKEN_PREFIX)?;
    let (run_id, who) = rest.split_once(" by ").unwrap_or((rest, "someone"));
    Some(Holder {
        run_id: run_id.to_owned(),
        who: who.to_owned(),
        since: item.created_at,
        expires: item.expire_time.instant(),
    })
}

/// True while a token still counts: a lock whose lease has run out holds nothing.
pub fn is_live(item: &TokenListItem, now: DateTime<Utc>) -> bool {
    // A lease no clock reads is taken to hold: `tagoform unlock` removes such a lock.
    match item.expire_time {
        ListedExpiry::Never | ListedExpiry::Unreadable(_) => true,
        ListedExpiry::At(at) => at > now,
    }
}

/// One token list, sorted into what a run acting as `run_id` needs.
#[derive(Debug, Default)]
pub struct Judgement<'a> {
    /// This run's own live lock tokens.
    pub mine: Vec<&'a TokenListItem>,
    /// Live lock tokens of other runs: holders, or runs trying at this moment.
    pub others: Vec<Holder>,
    /// Lock tokens whose lease ran out (anyone's): left over, safe to remove.
    pub lapsed: Vec<&'a TokenListItem>,
}

impl Judgement<'_> {
    /// The rule that makes the lock exclusive: after its own token exists, a run holds the
    /// lock only if the list shows no live lock of anyone else. Of two runs whose tokens
    /// overlap, the later to list sees the other, so at most one of them can hold it. Both
    /// may give way; they try again after a random pause.
    pub fn holds(&self) -> bool {
        !self.mine.is_empty() && self.others.is_empty()
    }
}

/// Sorts `tokens` (the lock profile's whole list) for run `run_id` at server time `now`.
pub fn judge<'a>(run_id: &str, tokens: &'a [TokenListItem], now: DateTime<Utc>) -> Judgement<'a> {
    let mut judgement = Judgement::default();
    for item in tokens {
        let Some(holder) = holder(item) else {
            continue;
        };
        if !is_live(item, now) {
            judgement.lapsed.push(item);
        } else if holder.run_id == run_id {
            judgement.mine.push(item);
        } else {
            judgement.others.push(holder);
        }
    }
    judgement
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Permission;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-22T10:{minute:02}:00Z").parse().unwrap()
    }

    fn token(name: &str, created: u32, expires: Option<u32>) -> TokenListItem {
        TokenListItem {
            name: name.to_owned(),
            token: format!("value-of-{name}").into(),
            permission: Permission::Read,
            expire_time: expires.map_or(ListedExpiry::Never, |m| ListedExpiry::At(at(m))),
            kind: "account".to_owned(),
            created_at: at(created),
            last_authorization: None,
            created_by: None,
        }
    }

    #[test]
    fn a_run_holds_the_lock_only_when_no_other_live_lock_is_listed() {
        let mine = token_name("aaaa", "ci@host");
        let theirs = token_name("bbbb", "alice@laptop");
        let tokens = [
            token("deploy", 0, None),
            token(&mine, 5, Some(15)),
            token(&theirs, 4, Some(14)),
        ];
        let judgement = judge("aaaa", &tokens, at(6));
        assert!(!judgement.holds());
        assert_eq!(judgement.mine.len(), 1);
        assert_eq!(
            judgement.others,
            vec![Holder {
                run_id: "bbbb".into(),
                who: "alice@laptop".into(),
                since: at(4),
                expires: Some(at(14)),
            }]
        );
        // Once the other lease has run out, it holds nothing.
        let judgement = judge("aaaa", &tokens, at(14));
        assert!(judgement.holds());
        assert_eq!(judgement.lapsed.len(), 1);
        assert_eq!(judgement.lapsed[0].name, theirs);
    }

    #[test]
    fn a_run_without_a_live_token_of_its_own_holds_nothing() {
        let tokens = [token(&token_name("aaaa", "ci"), 0, Some(10))];
        assert!(!judge("aaaa", &tokens, at(10)).holds());
        assert!(!judge("aaaa", &[], at(0)).holds());
        assert!(judge("aaaa", &tokens, at(9)).holds());
    }

    #[test]
    fn other_tokens_and_names_that_only_look_alike_are_not_locks() {
        let tokens = [
            token("tagoform (short-lived)", 0, Some(59)),
            token("tagoform (apply lock)", 0, None),
            token("my tagoform (apply lock) x by y", 0, None),
        ];
        let judgement = judge("x", &tokens, at(1));
        assert!(judgement.others.is_empty() && judgement.mine.is_empty());
        assert_eq!(holder(&tokens[0]), None);
    }

    #[test]
    fn a_holder_reads_as_a_sentence() {
        let item = token(
            &token_name("c0ffee00", "ci@runner (GitHub run 42)"),
            3,
            Some(13),
        );
        let holder = holder(&item).unwrap();
        assert_eq!(
            holder.to_string(),
            "lock c0ffee00 by ci@runner (GitHub run 42), taken at 2026-11-22 10:03:00 UTC, \
             lapses at 10:13:00 UTC"
        );
    }

    #[test]
    fn who_names_the_user_host_and_ci_job_without_control_characters() {
        fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect();
            move |name: &str| {
                vars.iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.clone())
            }
        }
        assert_eq!(who(env(&[])), "someone@unknown host");
        assert_eq!(
            who(env(&[
                ("USER", "ci"),
                ("HOSTNAME", "runner-7"),
                ("GITHUB_RUN_ID", "42")
            ])),
            "ci@runner-7 (GitHub run 42)"
        );
        assert_eq!(
            who(env(&[("USERNAME", "bob\u{1b}[2J"), ("CI_JOB_ID", "9")])),
            "bob[2J@unknown host (GitLab job 9)"
        );
        let long = "x".repeat(200);
        assert_eq!(who(env(&[("USER", &long)])).chars().count(), MAX_WHO_CHARS);
    }
}
