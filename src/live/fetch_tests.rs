//! Which objects get their own reads: the ones the plan will match, pins included.

use super::*;

const FIRST: &str = "ccccccccccccccccccccccc1";
const SECOND: &str = "ccccccccccccccccccccccc2";

fn desired(pin: &str) -> Desired {
    let folder = tempfile::tempdir().unwrap();
    let yaml = format!(
        "version: 1
profiles:
  acme:
    name: ACME
connectors:
  meter:
    profile: acme
    name: Meter{pin}
    networks: [{{id: 5f46679034e73f002833025b}}]
    shared_with: []
"
    );
    std::fs::write(folder.path().join("tagoform.yaml"), yaml).unwrap();
    let loaded = crate::config::load(folder.path()).unwrap();
    loaded.desired.unwrap()
}

/// Two connectors named `Meter` whose shares were not read yet.
fn meters() -> Vec<LiveObject> {
    [FIRST, SECOND]
        .into_iter()
        .map(|id| LiveObject {
            id: id.into(),
            name: "Meter".into(),
            fields: BTreeMap::new(),
            networks: Vec::new(),
            public: false,
            shares: None,
        })
        .collect()
}

fn read_ids(desired: &Desired) -> Vec<String> {
    let live = [LiveProfile {
        id: "aaaaaaaaaaaaaaaaaaaaaaa1".into(),
        name: "ACME".into(),
        logo_url: None,
    }];
    let managed = managed_profiles(desired, &live);
    let [acme] = managed.as_slice() else {
        panic!("ACME is not managed");
    };
    object_reads(acme, &[], &meters())
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn a_pinned_object_is_read_even_when_its_name_repeats() {
    assert_eq!(
        read_ids(&desired(&format!("\n    id: {SECOND}"))),
        [SECOND.to_string()]
    );
}

#[test]
fn an_unpinned_name_that_repeats_reads_nothing() {
    assert!(read_ids(&desired("")).is_empty());
}

fn live_profile(id: &str, name: &str) -> LiveProfile {
    LiveProfile {
        id: id.into(),
        name: name.into(),
        logo_url: None,
    }
}

#[test]
fn a_profile_is_read_only_when_it_matches_one_live_profile() {
    let desired = desired("");
    let twins = [
        live_profile("aaaaaaaaaaaaaaaaaaaaaaa1", "ACME"),
        live_profile("aaaaaaaaaaaaaaaaaaaaaaa2", "ACME"),
    ];
    assert_eq!(managed_profiles(&desired, &twins).len(), 0);
    let one = [
        live_profile("aaaaaaaaaaaaaaaaaaaaaaa1", "Globex"),
        live_profile("aaaaaaaaaaaaaaaaaaaaaaa2", "ACME"),
    ];
    let managed = managed_profiles(&desired, &one);
    let ids: Vec<(&str, &str, usize)> = managed
        .iter()
        .map(|m| (m.key, m.id.as_str(), m.connectors.len()))
        .collect();
    assert_eq!(ids, [("acme", "aaaaaaaaaaaaaaaaaaaaaaa2", 1)]);
}
