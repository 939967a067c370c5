//! The allocation and add-on diff, with plain values.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::billing::{AddOn, Service};
use crate::config::{Desired, Origin, Profile, TagoId};
use crate::live::{LiveBilling, LiveProfile, LiveProfileState, LiveSnapshot};

const ACME: &str = "aaaaaaaaaaaaaaaaaaaaaaa1";
const GLOBEX: &str = "aaaaaaaaaaaaaaaaaaaaaaa2";
const OTHER: &str = "aaaaaaaaaaaaaaaaaaaaaaa3";

fn profile(key: &str, id: Option<&str>, allocation: &[(Service, u64)]) -> Profile {
    let mut profile = super::tests::profile(key, &key.to_uppercase());
    profile.id = id.and_then(TagoId::parse);
    profile.allocation = (!allocation.is_empty()).then(|| allocation.iter().copied().collect());
    let line_5 = Origin {
        line: 5,
        ..profile.origin.clone()
    };
    profile.field_origins = BTreeMap::from([("allocation".to_owned(), line_5)]);
    profile
}

fn desired(profiles: Vec<Profile>) -> Desired {
    Desired {
        profiles: profiles.into_iter().map(|p| (p.key.clone(), p)).collect(),
        ..Desired::default()
    }
}

/// ACME and GLOBEX configured, OTHER not; limit of input 100,000.
fn live(acme_input: u64, globex_input: u64, other_input: u64) -> LiveSnapshot {
    let live_profile = |id: &str, name: &str| LiveProfile {
        id: id.into(),
        name: name.into(),
        logo_url: None,
    };
    let amounts = |input| BTreeMap::from([(Service::Input, input), (Service::Sms, 10)]);
    LiveSnapshot {
        profiles: vec![
            live_profile(ACME, "ACME"),
            live_profile(GLOBEX, "GLOBEX"),
            live_profile(OTHER, "Initech"),
        ],
        details: [ACME, GLOBEX]
            .into_iter()
            .map(|id| (id.to_owned(), LiveProfileState::default()))
            .collect(),
        billing: Some(LiveBilling {
            allocation: BTreeMap::from([
                (ACME.to_owned(), amounts(acme_input)),
                (GLOBEX.to_owned(), amounts(globex_input)),
                (OTHER.to_owned(), amounts(other_input)),
            ]),
            limits: BTreeMap::from([(Service::Input, 100_000), (Service::Sms, 30)]),
            addons: BTreeMap::from([
                (AddOn::CustomDns, BTreeSet::from([GLOBEX.to_owned()])),
                (AddOn::Mobile, BTreeSet::new()),
            ]),
            addon_prices: Some(BTreeMap::from([(AddOn::Mobile, 99.0)])),
            ..LiveBilling::default()
        }),
        catalog: Vec::new(),
        prepared: None,
        networks_seen: Default::default(),
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

#[test]
fn one_allocation_carries_only_the_changed_profiles_and_services() {
    let desired = desired(vec![
        profile(
            "acme",
            None,
            &[(Service::Input, 25_000), (Service::Sms, 10)],
        ),
        profile("globex", None, &[(Service::Input, 40_000)]),
    ]);
    let plan = plan(&desired, &live(10_000, 40_000, 20_000), now()).unwrap();
    assert_eq!(plan.operations.len(), 1);
    let op = &plan.operations[0];
    assert_eq!(op.profile, ACCOUNT);
    assert_eq!(
        op.kind,
        OperationKind::Allocate {
            entries: vec![AllocationEntry {
                target: ProfileRef {
                    key: "acme".into(),
                    id: Some(ACME.into())
                },
                services: BTreeMap::from([(Service::Input, 25_000)]),
            }]
        }
    );
    assert_eq!(
        op.changes,
        vec![FieldChange::new(
            "acme.input",
            Some(json!(10_000)),
            json!(25_000)
        )]
    );
    assert_eq!(op.origin.as_ref().unwrap().line, 5);
}

#[test]
fn a_converged_allocation_plans_nothing() {
    let desired = desired(vec![profile("acme", None, &[(Service::Input, 10_000)])]);
    let plan = plan(&desired, &live(10_000, 40_000, 20_000), now()).unwrap();
    assert!(plan.is_empty(), "{plan:?}");
}

#[test]
fn a_sum_over_the_limit_is_refused_with_a_table() {
    // 70,000 + 40,000 (configured) + 20,000 (not configured, as it is) = 130,000 > 100,000.
    let desired = desired(vec![
        profile("acme", None, &[(Service::Input, 70_000)]),
        profile("globex", None, &[(Service::Input, 40_000)]),
    ]);
    let error = plan(&desired, &live(10_000, 30_000, 20_000), now()).unwrap_err();
    assert!(error.errors.is_empty());
    assert_eq!(
        error.to_string(),
        "the service allocation would exceed the account's limits, so nothing is planned:\n  \
         service    limit      sum  over by  largest shares\n  \
         input    100,000  130,000   30,000  acme 70,000, globex 40,000, \"Initech\" 20,000\n\
         lower the `allocation` of these profiles, or raise the account's limits on TagoIO's Billing page"
    );
}

/// 1 + 18,446,744,073,709,551,615 wraps to 0 in a u64: the sum is counted wide, so it is
/// over the limit, not under.
#[test]
fn a_sum_that_would_overflow_is_over_the_limit() {
    let desired = desired(vec![
        profile("acme", None, &[(Service::Input, 1)]),
        profile("globex", None, &[(Service::Input, u64::MAX)]),
    ]);
    let error = plan(&desired, &live(0, 0, 0), now()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the service allocation would exceed the account's limits, so nothing is planned:\n  \
         service    limit                         sum                     over by  largest shares\n  \
         input    100,000  18,446,744,073,709,551,616  18,446,744,073,709,451,616  globex \
         18,446,744,073,709,551,615, acme 1, \"Initech\" 0\n\
         lower the `allocation` of these profiles, or raise the account's limits on TagoIO's Billing page"
    );
}

#[test]
fn a_deleted_profile_frees_its_share_and_goes_first() {
    let mut gone = profile("globex", None, &[]);
    gone.delete = true;
    let desired = desired(vec![
        profile("acme", None, &[(Service::Input, 70_000)]),
        gone,
    ]);
    let plan = plan(&desired, &live(10_000, 30_000, 20_000), now()).unwrap();
    let allocate = plan
        .operations
        .iter()
        .find(|op| matches!(op.kind, OperationKind::Allocate { .. }))
        .unwrap();
    let delete = plan
        .operations
        .iter()
        .find(|op| matches!(op.kind, OperationKind::DeleteProfile { .. }))
        .unwrap();
    assert_eq!(allocate.depends_on, vec![delete.index]);
}

#[test]
fn a_new_profile_is_allocated_after_it_is_created() {
    let desired = desired(vec![profile("newco", None, &[(Service::Sms, 0)])]);
    let plan = plan(&desired, &live(10_000, 30_000, 20_000), now()).unwrap();
    // Review order puts changes before additions; execution follows `depends_on`.
    let [allocate, create] = plan.operations.as_slice() else {
        panic!("{plan:?}");
    };
    assert!(matches!(create.kind, OperationKind::CreateProfile { .. }));
    assert_eq!(allocate.depends_on, vec![create.index]);
    assert_eq!(
        allocate.changes,
        vec![FieldChange::new("newco.sms", None, json!(0))]
    );
    // 10 + 10 + 10 + 1 > 30: the new profile counts towards the limit too.
    let desired =
        crate::plan::billing_tests::desired(vec![profile("newco", None, &[(Service::Sms, 1)])]);
    assert!(super::plan(&desired, &live(0, 0, 0), now()).is_err());
}

#[test]
fn add_ons_are_bought_with_their_price_and_removed() {
    let mut acme = profile("acme", None, &[]);
    acme.addons = Some(BTreeSet::from([AddOn::Mobile]));
    let mut globex = profile("globex", None, &[]);
    globex.addons = Some(BTreeSet::new());
    let plan = plan(
        &desired(vec![acme, globex]),
        &live(10_000, 30_000, 20_000),
        now(),
    )
    .unwrap();
    let kinds: Vec<&OperationKind> = plan.operations.iter().map(|op| &op.kind).collect();
    assert_eq!(
        kinds,
        vec![
            &OperationKind::RemoveAddon {
                target: ProfileRef {
                    key: "globex".into(),
                    id: Some(GLOBEX.into())
                },
                addon: AddOn::CustomDns,
                at: None
            },
            &OperationKind::BuyAddon {
                target: ProfileRef {
                    key: "acme".into(),
                    id: Some(ACME.into())
                },
                addon: AddOn::Mobile,
                price: Some(99.0)
            },
        ]
    );
    assert_eq!(plan.billing_changes().count(), 2);
}

#[test]
fn a_target_keeps_only_its_profiles_entries() {
    let desired = desired(vec![
        profile("acme", None, &[(Service::Input, 25_000)]),
        profile("globex", None, &[(Service::Input, 35_000)]),
    ]);
    let full = plan(&desired, &live(10_000, 30_000, 20_000), now()).unwrap();
    let only = restrict(full, &["globex".to_owned()]);
    let OperationKind::Allocate { entries } = &only.operations[0].kind else {
        panic!()
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target.key, "globex");
    assert_eq!(only.operations[0].changes.len(), 1);
    assert_eq!(only.operations[0].changes[0].field, "globex.input");
}

#[test]
fn a_banner_is_compared_only_when_read() {
    let mut acme = profile("acme", None, &[]);
    acme.banner_url = Some("https://example.com/b.png".into());
    let mut snapshot = live(0, 0, 0);
    let unread = plan(&desired(vec![acme.clone()]), &snapshot, now()).unwrap();
    assert!(unread.is_empty());
    snapshot.details.get_mut(ACME).unwrap().banner_url = Some(None);
    let read = plan(&desired(vec![acme]), &snapshot, now()).unwrap();
    assert_eq!(
        read.operations[0].changes,
        vec![FieldChange::new(
            "banner_url",
            None,
            json!("https://example.com/b.png")
        )]
    );
}
