//! The emulator's whole state as plain data: what the state file holds and what every
//! handler reads and changes under one lock. No I/O and no HTTP here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use tagoform_wire::Secret;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use super::billing::{Allocation, Subscription};
use tagoform_wire::types::{Expiry, Id, OtpType, Permission};

/// Bumped when the state file's shape changes incompatibly.
pub const STATE_FORMAT: u32 = 2;

/// How long an invitation stays acceptable after it was sent.
pub const INVITATION_LIFETIME_DAYS: i64 = 7;

/// Everything the emulator knows. `BTreeMap`s keep the state file's order stable.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub clock: Clock,
    pub accounts: BTreeMap<Id, Account>,
    pub profiles: BTreeMap<Id, StoredProfile>,
    /// Keyed by the token value.
    pub tokens: BTreeMap<String, StoredToken>,
    pub integrations: BTreeMap<Id, Integration>,
    #[serde(default)]
    pub notifications: BTreeMap<Id, Notification>,
    /// Which objects each profile's integration lists hold, so a list costs what it answers,
    /// not a scan of the account. Derived: rebuilt on load, kept by the methods that add,
    /// remove, share or unshare an integration (write through them, never directly).
    #[serde(skip)]
    listing: Listing,
}

/// The ids each profile sees in its lists besides the public catalog: its own objects and
/// those shared with it.
#[derive(Clone, Default)]
struct Listing {
    by_profile: HashMap<Id, BTreeSet<Id>>,
    public: BTreeSet<Id>,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("accounts", &self.accounts.len())
            .field("profiles", &self.profiles.len())
            .field("tokens", &self.tokens.len())
            .field("integrations", &self.integrations.len())
            .field("notifications", &self.notifications.len())
            .finish()
    }
}

/// The emulator's own clock: real time plus an offset, or frozen at an instant.
/// Every expiry (tokens, invitations) and every rate-limit minute reads this clock.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub offset_seconds: i64,
    pub frozen_at: Option<DateTime<Utc>>,
}

impl Clock {
    /// The current instant, to the millisecond (TagoIO's precision).
    pub fn now(&self) -> DateTime<Utc> {
        let now = match self.frozen_at {
            Some(at) => at,
            None => Utc::now() + Duration::seconds(self.offset_seconds),
        };
        now.trunc_subsecs(3)
    }
}

/// A TagoIO account. Can sign in only when it has a password (the built-in owner of the
/// public networks has none).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: Id,
    pub email: String,
    pub password: Secret,
    pub name: String,
    #[serde(default)]
    pub two_factor: bool,
    /// The authenticator's shared secret (base32): its RFC 6238 codes are the account's
    /// authenticator codes ([`crate::two_factor`]).
    pub totp_secret: Option<Secret>,
    /// The latest authenticator step accepted, for `--otp-single-use`.
    pub otp_last_step: Option<u64>,
    /// Codes sent by SMS or e-mail and not yet used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent_codes: Vec<crate::two_factor::SentCode>,
    /// The two-factor methods on; empty means the authenticator alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub otp_types: Vec<OtpType>,
    pub created_at: DateTime<Utc>,
    /// Plan, service limits and add-ons; absent only in state files written before billing
    /// was modelled, and filled in on load ([`State::complete_billing`]).
    pub subscription: Option<Subscription>,
}

impl Account {
    /// The two-factor methods this account accepts.
    pub fn otp_types(&self) -> Vec<OtpType> {
        if self.otp_types.is_empty() {
            vec![OtpType::Authenticator]
        } else {
            self.otp_types.clone()
        }
    }
}

/// A profile, owned by one account, with its team (members and invitations).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredProfile {
    pub id: Id,
    pub account: Id,
    pub name: String,
    pub logo_url: Option<String>,
    pub banner_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Keyed by the member's account id.
    #[serde(default)]
    pub team: BTreeMap<Id, Membership>,
    /// Its share of the account's service limits (filled in like `Account::subscription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<Allocation>,
}

/// A team member (`active`) or an invitation (pending until accepted). TagoIO lists no
/// expiry: an invitation lapses [`INVITATION_LIFETIME_DAYS`] after `created_at`, when it
/// was (last) sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl Membership {
    /// An accepted member, or an invitation that can still be accepted.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.active || self.created_at + Duration::days(INVITATION_LIFETIME_DAYS) > now
    }
}

/// A notification in an account's Admin panel. TagoIO tells an invitee of an invitation
/// this way, with an accept and a refuse button (sdk-js `notifications.types.ts`:
/// `NotificationTriggerProfile`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notification {
    pub id: Id,
    /// The account it is for.
    pub account: Id,
    pub title: String,
    pub message: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
    pub buttons: Vec<NotificationButton>,
    pub buttons_enabled: bool,
    /// The invitation the buttons answer: profile id, and when that invitation was sent (a
    /// re-sent invitation has a notification of its own).
    pub invitation: Option<(Id, DateTime<Utc>)>,
}

/// A button of a [`Notification`]; pressing it runs its trigger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationButton {
    pub id: String,
    pub label: String,
    /// `accept` or `refuse` (the `share_profile` trigger).
    pub share_profile: String,
}

/// An account token: belongs to one profile and to the account that made it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredToken {
    pub value: Secret,
    pub name: String,
    pub account: Id,
    pub profile: Id,
    pub permission: Permission,
    pub expire: Expiry,
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

impl StoredToken {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        matches!(self.expire, Expiry::At(at) if at <= now)
    }
}

pub use tagoform_wire::kind::ObjectKind;

/// A network or a connector. Its TagoIO fields are kept as JSON (validated through the
/// typed wire structs on the way in), so both kinds share one store and one code path.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Integration {
    pub id: Id,
    pub kind: ObjectKind,
    pub profile: Id,
    pub public: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Recipient profile id → when it was shared.
    #[serde(default)]
    pub shares: BTreeMap<Id, DateTime<Utc>>,
    /// A catalog entry's version (`vX.Y.Z`), its folder in `tago-io/decoders`; never
    /// answered. `None` for other objects (and for catalog entries of older state files).
    pub catalog_version: Option<String>,
}

impl Integration {
    /// The full object as TagoIO answers it. No `profile` key: the SDK defines none, and
    /// a client must not be able to decide ownership from one.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut object = self.fields.clone();
        object.insert("id".into(), self.id.clone().into());
        object.insert("public".into(), self.public.into());
        object.insert("created_at".into(), timestamp(self.created_at).into());
        object.insert("updated_at".into(), timestamp(self.updated_at).into());
        object
    }

    /// The network ids a connector uses.
    pub fn networks(&self) -> Vec<Id> {
        match self.fields.get("networks") {
            Some(serde_json::Value::Array(ids)) => ids
                .iter()
                .filter_map(|id| id.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// ISO-8601 with milliseconds and `Z`, as TagoIO writes instants.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl State {
    /// A fresh 24-hex id, unused in this state, shaped like the MongoDB ObjectIds TagoIO
    /// issues: seconds, a random part fixed for the process, and a counter. Ids made by one
    /// emulator therefore increase in creation order, as TagoIO's do, which is what lets two
    /// applies racing to create the same object agree on which copy is the first.
    pub fn new_id(&self, rng: &mut impl Rng, now: DateTime<Utc>) -> Id {
        static PROCESS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let process = *PROCESS.get_or_init(|| rng.random::<u64>() & 0xff_ffff_ffff);
        loop {
            let seconds = u32::try_from(now.timestamp().max(0)).unwrap_or(u32::MAX);
            let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & 0xff_ffff;
            let id = format!("{seconds:08x}{process:010x}{count:06x}");
            if !self.id_in_use(&id) {
                return id;
            }
        }
    }

    /// A fresh UUID-shaped token value, unused in this state.
    pub fn new_token_value(&self, rng: &mut impl Rng) -> String {
        loop {
            let bytes: [u8; 16] = rng.random();
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let value = format!(
                "{}-{}-4{}-a{}-{}",
                &hex[0..8],
                &hex[8..12],
                &hex[13..16],
                &hex[17..20],
                &hex[20..32]
            );
            if !self.tokens.contains_key(&value) {
                return value;
            }
        }
    }

    /// Rebuilds the list index from `integrations` (after loading a state file or a seed).
    pub fn rebuild_listing(&mut self) {
        self.listing = Listing::default();
        let ids: Vec<Id> = self.integrations.keys().cloned().collect();
        for id in ids {
            self.index_integration(&id);
        }
    }

    fn index_integration(&mut self, id: &str) {
        let Some(object) = self.integrations.get(id) else {
            return;
        };
        let profiles = std::iter::once(&object.profile).chain(object.shares.keys());
        for profile in profiles {
            self.listing
                .by_profile
                .entry(profile.clone())
                .or_default()
                .insert(id.to_string());
        }
        if object.public {
            self.listing.public.insert(id.to_string());
        }
    }

    /// Adds a network or connector.
    pub fn insert_integration(&mut self, object: Integration) {
        let id = object.id.clone();
        self.integrations.insert(id.clone(), object);
        self.index_integration(&id);
    }

    /// Removes a network or connector, with its shares.
    pub fn remove_integration(&mut self, id: &str) -> Option<Integration> {
        let object = self.integrations.remove(id)?;
        for profile in std::iter::once(&object.profile).chain(object.shares.keys()) {
            if let Some(ids) = self.listing.by_profile.get_mut(profile) {
                ids.remove(id);
            }
        }
        self.listing.public.remove(id);
        Some(object)
    }

    /// With a profile deleted: its objects go, and so do the shares made to it.
    pub fn remove_profile_integrations(&mut self, profile: &str) {
        let ids = self.listing.by_profile.remove(profile).unwrap_or_default();
        for id in ids {
            let owned = self
                .integrations
                .get(&id)
                .is_some_and(|o| o.profile == profile);
            if owned {
                self.remove_integration(&id);
            } else {
                self.set_share(&id, profile, None);
            }
        }
        self.listing.by_profile.remove(profile);
    }

    /// Shares `id` with `profile` (`Some(when)`) or stops sharing it (`None`).
    pub fn set_share(&mut self, id: &str, profile: &str, shared: Option<DateTime<Utc>>) {
        let Some(object) = self.integrations.get_mut(id) else {
            return;
        };
        let ids = self
            .listing
            .by_profile
            .entry(profile.to_string())
            .or_default();
        match shared {
            Some(at) => {
                object.shares.insert(profile.to_string(), at);
                ids.insert(id.to_string());
            }
            None => {
                object.shares.remove(profile);
                if object.profile != profile {
                    ids.remove(id);
                }
            }
        }
    }

    /// The `kind` objects that may be in `profile`'s lists (its own, those shared with it,
    /// the public catalog), in id order, each once. Callers still filter by what they want.
    pub fn integrations_listed_by<'a>(
        &'a self,
        kind: ObjectKind,
        profile: &str,
    ) -> impl Iterator<Item = &'a Integration> + 'a {
        let mine = self.listing.by_profile.get(profile);
        let ids: BTreeSet<&'a Id> = mine
            .into_iter()
            .flatten()
            .chain(self.listing.public.iter())
            .collect();
        ids.into_iter()
            .filter_map(|id| self.integrations.get(id))
            .filter(move |object| object.kind == kind)
    }

    fn id_in_use(&self, id: &str) -> bool {
        self.accounts.contains_key(id)
            || self.profiles.contains_key(id)
            || self.integrations.contains_key(id)
            || self.notifications.contains_key(id)
    }

    /// The account with this email, compared case-insensitively.
    pub fn account_by_email(&self, email: &str) -> Option<&Account> {
        let wanted = email.trim().to_lowercase();
        self.accounts
            .values()
            .find(|account| account.email.to_lowercase() == wanted)
    }

    /// Whether `account` owns `profile` or is an accepted member of its team.
    pub fn can_open_profile(&self, account: &str, profile: &StoredProfile) -> bool {
        profile.account == account
            || profile
                .team
                .get(account)
                .is_some_and(|member| member.active)
    }
}
