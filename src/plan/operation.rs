//! The plan as data: operations with their origin in the YAML, their dependencies, and the
//! notices a reviewer should see. Serialized as the documented `--format json` / `--out` format.

use serde::{Deserialize, Serialize};

use crate::billing::{AddOn, Service};
use crate::config::{Origin, Permission};
use crate::live::{Id, ObjectKind};

/// Version of the serialized plan format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 3;

/// An ordered list of operations that makes the live account match the configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub format_version: u32,
    /// In review order: removals first, then the rest by profile, kind and name. Execution
    /// order is given by [`Operation::depends_on`], not by position.
    pub operations: Vec<Operation>,
    /// Things the reviewer should know that need no operation.
    pub notices: Vec<Notice>,
}

impl Plan {
    /// A plan of the current format.
    pub fn new(operations: Vec<Operation>, notices: Vec<Notice>) -> Self {
        Plan {
            format_version: FORMAT_VERSION,
            operations,
            notices,
        }
    }

    /// True when applying would change nothing.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// Counts by action, for the closing line.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for operation in &self.operations {
            summary.count(operation.action());
        }
        summary
    }

    /// Removals of members and shares: what `--max-removals` limits, since these are the
    /// changes that lock people out.
    pub fn access_removals(&self) -> usize {
        self.operations
            .iter()
            .filter(|operation| {
                matches!(
                    operation.kind,
                    OperationKind::RemoveMember { expired: false, .. }
                        | OperationKind::Unshare { .. }
                )
            })
            .count()
    }

    /// Deletions of profiles, networks and connectors: what needs `--allow-delete`.
    pub fn object_deletions(&self) -> impl Iterator<Item = &Operation> {
        self.operations.iter().filter(|operation| {
            matches!(
                operation.kind,
                OperationKind::DeleteProfile { .. } | OperationKind::DeleteObject { .. }
            )
        })
    }

    /// The ids of the live profiles this plan deletes.
    pub fn deleted_profile_ids(&self) -> Vec<Id> {
        self.operations
            .iter()
            .filter_map(|operation| match &operation.kind {
                OperationKind::DeleteProfile { target, .. } => target.id.clone(),
                _ => None,
            })
            .collect()
    }

    /// Add-ons bought or removed, also with a deleted profile: subscription changes, what
    /// needs `--allow-billing`.
    pub fn billing_changes(&self) -> impl Iterator<Item = &Operation> {
        self.operations
            .iter()
            .filter(|operation| match &operation.kind {
                OperationKind::BuyAddon { .. } | OperationKind::RemoveAddon { .. } => true,
                OperationKind::DeleteProfile { addons, .. } => !addons.is_empty(),
                _ => false,
            })
    }

    /// The operations that send the account password, each with a two-factor code when
    /// two-factor is on: token creations and replacements, and profile deletions.
    pub fn credential_calls(&self) -> usize {
        self.operations
            .iter()
            .filter(|operation| {
                matches!(
                    operation.kind,
                    OperationKind::CreateToken { .. }
                        | OperationKind::ReplaceToken { .. }
                        | OperationKind::DeleteProfile { .. }
                )
            })
            .count()
    }

    /// Token creations and replacements: their new values must go to `--tokens-out`.
    pub fn creates_tokens(&self) -> bool {
        self.operations.iter().any(|operation| {
            matches!(
                operation.kind,
                OperationKind::CreateToken { .. } | OperationKind::ReplaceToken { .. }
            )
        })
    }
}

/// Counts of operations by action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub remove: usize,
}

impl Summary {
    /// Counts one operation of `action`.
    pub fn count(&mut self, action: Action) {
        match action {
            Action::Create => self.add += 1,
            Action::Update => self.change += 1,
            Action::Delete => self.remove += 1,
            // As Terraform counts it: a replacement adds one and removes one.
            Action::Replace => {
                self.add += 1;
                self.remove += 1;
            }
        }
    }
}

/// The broad effect of an operation, for symbols (`+ ~ - -/+`) and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    Replace,
}

/// One step of a plan.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Operation {
    /// Position in [`Plan::operations`]; dependencies refer to it.
    pub index: usize,
    /// The key of the profile this operation happens in (for grouping).
    pub profile: String,
    #[serde(flatten)]
    pub kind: OperationKind,
    /// Field-by-field changes (old → new) for creates and updates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// The YAML that asks for this operation.
    pub origin: Option<Origin>,
    /// Operations that must succeed before this one can run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<usize>,
}

impl Operation {
    /// The broad effect, for symbols and counts.
    pub fn action(&self) -> Action {
        self.kind.action()
    }
}

/// The `profile` of an account-level operation ([`OperationKind::Allocate`]): no profile key
/// is empty.
pub const ACCOUNT: &str = "";

/// One profile's part of an [`OperationKind::Allocate`]: the new amount of each service
/// that changes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AllocationEntry {
    pub target: ProfileRef,
    pub services: std::collections::BTreeMap<Service, u64>,
}

/// A profile as an operation targets it: by key, with its live id when it exists already
/// (`None`: created by an earlier operation of the same plan).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProfileRef {
    pub key: String,
    pub id: Option<Id>,
}

/// A network or connector as an operation targets it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ObjectRef {
    pub kind: ObjectKind,
    /// The configuration key; for an unmanaged object of an `exclusive` profile, its live name.
    pub key: String,
    pub name: String,
    /// `None`: created by an earlier operation of the same plan.
    pub id: Option<Id>,
}

/// What an operation does, with what the executor needs to do it. Never a secret: tokens are
/// named, and their values are looked up at apply time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OperationKind {
    CreateProfile {
        target: ProfileRef,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logo_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        banner_url: Option<String>,
    },
    UpdateProfile {
        target: ProfileRef,
    },
    DeleteProfile {
        target: ProfileRef,
        name: String,
        /// The paid add-ons the profile holds: they leave the account's subscription with
        /// it, a billing change that needs `--allow-billing`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        addons: Vec<AddOn>,
    },
    InviteMember {
        target: ProfileRef,
        email: String,
        /// The previous invitation expired; this one replaces it.
        reinvite: bool,
    },
    RemoveMember {
        target: ProfileRef,
        email: String,
        account_id: Id,
        /// Revoking an invitation that was never accepted.
        pending: bool,
        /// That invitation lapsed: removing it takes no access away, it only tidies the list.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        expired: bool,
    },
    CreateToken {
        target: ProfileRef,
        name: String,
        permission: Permission,
        /// As TagoIO's `expire_time` takes it: `never`, a date, or a period.
        expires: String,
    },
    /// A token whose permission or expiry changed (or that expired): create the new one, then
    /// delete the old ones of that name.
    ReplaceToken {
        target: ProfileRef,
        name: String,
        permission: Permission,
        expires: String,
        replaces: Vec<TokenStamp>,
    },
    /// A stale token of a managed name, left by an interrupted replacement.
    DeleteToken {
        target: ProfileRef,
        name: String,
        stamp: TokenStamp,
    },
    CreateObject {
        target: ProfileRef,
        object: ObjectRef,
        /// Connector networks, resolved to ids where they exist, else to the keys of networks
        /// created earlier in the plan.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        networks: Vec<NetworkRef>,
    },
    UpdateObject {
        target: ProfileRef,
        object: ObjectRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        networks: Option<Vec<NetworkRef>>,
    },
    DeleteObject {
        target: ProfileRef,
        object: ObjectRef,
    },
    Share {
        target: ProfileRef,
        object: ObjectRef,
        /// A configured profile (its id is `None` when this plan creates it) or an external one.
        recipient: ProfileRef,
    },
    Unshare {
        target: ProfileRef,
        object: ObjectRef,
        /// The configuration key of the recipient when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient_key: Option<String>,
        recipient_id: Id,
    },
    /// The account's service allocation, in one request: only the profiles and services
    /// that change. An account-level operation: its `profile` is empty.
    Allocate {
        entries: Vec<AllocationEntry>,
    },
    /// Buying an add-on for a profile: a subscription change, charged to the account.
    BuyAddon {
        target: ProfileRef,
        addon: AddOn,
        /// TagoIO's list price (`GET /pricing`), when it gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price: Option<f64>,
    },
    /// Taking an add-on away from a profile: TagoIO does it at the end of the billing cycle.
    RemoveAddon {
        target: ProfileRef,
        addon: AddOn,
        /// When the profile loses it: the end of the current cycle, when the subscription
        /// said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// Tells one token of a name from another without its value: the value is looked up again at
/// apply time, so that no plan ever holds a secret.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenStamp {
    pub permission: String,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A network a connector uses: a live id, or the key of a network this plan creates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NetworkRef {
    Id(Id),
    Created(String),
}

impl OperationKind {
    /// The broad effect, for symbols and counts.
    pub fn action(&self) -> Action {
        match self {
            OperationKind::CreateProfile { .. }
            | OperationKind::BuyAddon { .. }
            | OperationKind::InviteMember { .. }
            | OperationKind::CreateToken { .. }
            | OperationKind::CreateObject { .. }
            | OperationKind::Share { .. } => Action::Create,
            OperationKind::UpdateProfile { .. }
            | OperationKind::UpdateObject { .. }
            | OperationKind::Allocate { .. } => Action::Update,
            OperationKind::DeleteProfile { .. }
            | OperationKind::RemoveMember { .. }
            | OperationKind::DeleteToken { .. }
            | OperationKind::DeleteObject { .. }
            | OperationKind::Unshare { .. }
            | OperationKind::RemoveAddon { .. } => Action::Delete,
            OperationKind::ReplaceToken { .. } => Action::Replace,
        }
    }
}

/// One field's change. `old` is `None` on create or when the field was unset.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<serde_json::Value>,
    pub new: serde_json::Value,
}

impl FieldChange {
    /// A change of `field` from `old` (unset when `None`) to `new`.
    pub fn new(field: &str, old: Option<serde_json::Value>, new: serde_json::Value) -> Self {
        FieldChange {
            field: field.to_owned(),
            old,
            new,
        }
    }
}

/// A publication's state, from TagoIO's public catalog and, when given, a decoders clone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PublicationStatus {
    /// The catalog has it at the configured version.
    Public,
    /// The catalog has its name under other ids: another version (an older one, until the
    /// pull request of this one is merged).
    OtherVersionPublic {
        public_ids: Vec<Id>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prepared: Option<String>,
    },
    /// In the clone at this version, not yet in the catalog: the pull request is open or not
    /// merged yet.
    Prepared { prepared: String },
    /// Not in the clone: `tagoform publish` has not written it.
    NotPrepared,
    /// Not in the catalog; no clone was given to tell whether it is prepared.
    NotPublic,
    /// The clone's folder for it holds another entry of the catalog, of the same name:
    /// `publish` refuses to take it over, and the catalog's entry of that name is not this
    /// object's.
    OtherEntry { entry: String },
}

/// Something a reviewer should see that needs no operation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// An invitation sent earlier and not accepted yet: not re-sent.
    PendingInvitation {
        profile: String,
        email: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invited_at: Option<chrono::DateTime<chrono::Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Where a `publish:` stands. Publication is a pull request to `tago-io/decoders`
    /// reviewed by TagoIO, not an API call: a plan never writes anything for it.
    Publication {
        profile: String,
        object: ObjectRef,
        /// The version the catalog should have (`v1.0.0`).
        version: String,
        /// The id the catalog gives that version.
        catalog_id: String,
        status: PublicationStatus,
    },
    /// A network or connector of a managed profile that the configuration does not name.
    Unmanaged { profile: String, object: ObjectRef },
    /// An add-on whose removal is scheduled already: the profile keeps it until `at`, and
    /// asking again would change nothing.
    AddonRemovalScheduled {
        profile: String,
        addon: AddOn,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
}
