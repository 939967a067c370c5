//! The live state of the managed part of a TagoIO account, as plain values.
//!
//! A [`LiveSnapshot`] is what `plan` compares the configuration with. It holds no client, no
//! futures and no secrets: token values are never kept here (a token is known by its name; the
//! executor looks its value up again when it must delete it), so a snapshot can be logged,
//! printed or saved without leaking anything.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::billing::{AddOn, Service};
pub use crate::kind::ObjectKind;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A TagoIO object id (24 lowercase hex characters).
pub type Id = String;

/// Everything `plan` needs to know about the live account.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LiveSnapshot {
    /// Every profile the account owns (from the profile list), to match configured profiles by
    /// id pin or by name.
    pub profiles: Vec<LiveProfile>,
    /// The detail of each matched, managed profile, by profile id.
    pub details: BTreeMap<Id, LiveProfileState>,
    /// Allocation, limits and add-ons; `None` when no profile manages them (not read).
    pub billing: Option<LiveBilling>,
    /// For each network or connector with `publish:`, the public catalog entries of its name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalog: Vec<CatalogNamed>,
    /// What a clone of `tago-io/decoders` holds of each publication (`plan --decoders-repo`);
    /// `None` when no clone was given.
    pub prepared: Option<Vec<PreparedIn>>,
    /// For each configured profile key, how that profile sees the networks its connectors
    /// name by `{id: ...}`: so that the plan refuses an id it could not use, before any write.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub networks_seen: BTreeMap<String, BTreeMap<Id, NetworkSeen>>,
}

/// How a profile sees a network named by id (`GET /integration/network/{id}` with its token).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NetworkSeen {
    /// An entry of TagoIO's public catalog.
    Public,
    /// Not public, and visible: the profile's own, or shared with it.
    Private,
    /// Not found: unknown, or another profile's and not shared with this one.
    Unseen,
}

/// The public catalog entries named as a published network or connector (TagoIO's lists hold
/// the catalog; `filter[name]` keeps that name).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CatalogNamed {
    pub kind: ObjectKind,
    pub key: String,
    pub public_ids: Vec<Id>,
}

/// A publication as a decoders clone holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PreparedIn {
    pub kind: ObjectKind,
    pub key: String,
    /// The newest version folder of the object in the clone; `None`: not prepared.
    pub version: Option<String>,
    /// The id the catalog will give that version (or the configured one), `map-ids.json`
    /// of the clone applied.
    pub catalog_id: String,
    /// The name of the entry the object's folder holds when it is not this configuration's
    /// (its description differs, and `publish.update_existing` is not set): a catalog entry
    /// of the same name, which `publish` refuses to take over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_entry: Option<String>,
}

/// The account's services and add-ons, as `GET /account/allocation`, `GET
/// /account/subscription` and (when an add-on may be bought) `GET /pricing` give them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LiveBilling {
    /// Every profile's share of each service, by profile id (also profiles the configuration
    /// does not name: their shares count towards the account's limits).
    pub allocation: BTreeMap<Id, BTreeMap<Service, u64>>,
    /// The account's limit of each service.
    pub limits: BTreeMap<Service, u64>,
    /// The profiles holding each add-on.
    pub addons: BTreeMap<AddOn, BTreeSet<Id>>,
    /// TagoIO's list price of each add-on; `None` when not read (nothing to buy).
    pub addon_prices: Option<BTreeMap<AddOn, f64>>,
    /// When the current billing cycle ends (`current_cycle.end`): the date a removal asked
    /// for now takes effect. `None` when the subscription does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_end: Option<chrono::DateTime<chrono::Utc>>,
    /// Removals already scheduled (the schedule's add-ons lack a profile that still holds
    /// one), each with the date they take effect; read only when a removal may be planned.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub removals: ScheduledRemovals,
}

/// For each add-on, the profiles whose removal is scheduled, with when it takes effect
/// (`None` when the schedule gives no date).
pub type ScheduledRemovals = BTreeMap<AddOn, BTreeMap<Id, Option<chrono::DateTime<chrono::Utc>>>>;

/// One owned profile as the profile list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LiveProfile {
    pub id: Id,
    pub name: String,
    pub logo_url: Option<String>,
}

/// What lives in one managed profile. A list is `None` when it was not read because the
/// configuration does not manage it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LiveProfileState {
    /// `GET /profile/{id}`'s banner, read only when the configuration manages `banner_url`
    /// (the profile list has no banner). `None`: not read; `Some(None)`: no banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner_url: Option<Option<String>>,
    pub team: Option<Vec<LiveMember>>,
    pub tokens: Option<Vec<LiveToken>>,
    pub networks: Vec<LiveObject>,
    /// Only those the profile owns: what others share with it is read only and never read.
    pub connectors: Vec<LiveObject>,
}

/// A team member or a pending invitation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LiveMember {
    pub account_id: Id,
    pub email: String,
    /// `false`: an invitation not accepted yet.
    pub active: bool,
    pub invited_at: Option<DateTime<Utc>>,
    /// When an invitation lapses: TagoIO lists none, so this is `invited_at` + 7 days (help
    /// article "Team Management": "The invitation is valid for 7 days").
    pub expires_at: Option<DateTime<Utc>>,
}

/// An account token, without its value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LiveToken {
    pub name: String,
    /// As TagoIO spells it (`full`, `write`, `read`, or one tagoform does not manage).
    pub permission: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The expiry TagoIO listed when no clock reads it (`expires_at` is then `None`): such a
    /// token matches no configured expiry, and a plan replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable_expiry: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// TagoIO's `type`, a free string (sdk-js `TokenDataList`): shown, never used to decide
    /// what a token is. tagoform knows its own tokens by their names.
    pub kind: Option<String>,
}

/// A network or connector owned by a managed profile.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LiveObject {
    pub id: Id,
    pub name: String,
    /// The user-settable fields, by their API name, with the decoder as plain text (not base64).
    /// `networks` of a connector are kept apart in [`LiveObject::networks`].
    pub fields: BTreeMap<String, serde_json::Value>,
    /// The networks a connector uses (empty for a network).
    pub networks: Vec<Id>,
    pub public: bool,
    /// Profile ids it is shared with; `None` when not read.
    pub shares: Option<Vec<Id>>,
}
