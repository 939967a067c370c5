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
    networks: [{{id: 5a00000000000000000000a1}}]
    shared_with: []
    publish:
      message: please
"
    );
    std::fs::write(folder.path().join("tagoform.yaml"), yaml).unwrap();
    let loaded = crate::config::load(folder.path()).unwrap();
    loaded.desired.unwrap()
}

/// Two connectors named `Meter` whose shares and publication the list did not carry.
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
            publication: None,
        })
        .collect()
}

fn read_ids(desired: &Desired) -> Vec<(String, bool, bool)> {
    object_reads(desired, "acme", &[], &meters())
        .into_iter()
        .map(|r| (r.id, r.shares.is_some(), r.publication.is_some()))
        .collect()
}

#[test]
fn a_pinned_object_is_read_even_when_its_name_repeats() {
    assert_eq!(
        read_ids(&desired(&format!("\n    id: {SECOND}"))),
        [(SECOND.into(), true, false), (SECOND.into(), false, true)]
    );
}

#[test]
fn an_unpinned_name_that_repeats_reads_nothing() {
    assert_eq!(read_ids(&desired("")), []);
}
