//! The scale benchmark (examples/scale) at a tiny size: the generator, the emulator with the
//! Scale plan's rate limits and every phase run (the library's four, and `tagoform plan` and
//! `tagoform apply` as the binary), and tagoform makes exactly the minimum number of requests
//! in each. No timing is asserted.

#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/command_log.rs"]
mod command_log;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/drift.rs"]
mod drift;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/generate.rs"]
mod generate;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/measure.rs"]
mod measure;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/minimum.rs"]
mod minimum;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/phases.rs"]
mod phases;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/schedule.rs"]
mod schedule;
#[allow(dead_code)] // Parts the example uses and this test does not.
#[path = "../../examples/scale/server.rs"]
mod server;

use std::time::Duration;

use generate::Size;
use phases::{Bench, Phase};
use tagoform::emulator::Tier;

#[test]
fn every_phase_makes_exactly_the_minimum_requests() {
    let size = Size {
        profiles: 3,
        members: 2,
        connectors: 2,
        networks: 1,
        shares: 4,
    };
    let folder = tempfile::tempdir().unwrap();
    let (desired, config) = phases::load(folder.path(), &size).unwrap();
    assert_eq!(desired.profiles.len(), 3);
    assert_eq!(desired.connectors.len(), 6);
    let bench = Bench::new(size, (desired, 0.0), Tier::Scale, Duration::ZERO, 4)
        .unwrap()
        .with_binary(env!("CARGO_BIN_EXE_tagoform").into(), config);
    // (phase, minimum, changes, checks): apply from empty is 1 profile list + per profile
    // (create, token, 2 invites, 3 objects, 4 shares, one share-list read per shared object
    // to confirm its shares, token removal); a plan is 1 profile list + per profile (token,
    // team, networks, connectors, the share list of each of the 3 objects, token removal); the
    // drift is one removed member, one edited object and one withdrawn share, whose repair is
    // confirmed by a read. `checks` are the reads beyond the minimum: so that two applies
    // running at once keep a single copy (docs/reliability.md), one profile list after each
    // of the 3 profile creates, and per profile one network list and one connector list after
    // its creates of that kind (3 × 2). Shares are confirmed at the minimum: one read of the
    // share list per object, after all of its shares.
    //
    // The commands: `tagoform plan` makes the library plan's 25 requests. `tagoform apply`
    // makes those 25, then takes its lock (the profile list, the lock token made and the token
    // list read: 3), reads again under it the profile list and the lists of the one profile
    // the drift touched (team, networks, connectors and the share list of its 3 objects: 1 +
    // 6), repairs the drift (3, and 1 confirmation), and removes the lock token (1): 40, where
    // two full reads would make 50.
    let expected = [
        (Phase::ApplyFromEmpty, 46, 30, 9),
        (Phase::PlanNoChange, 25, 0, 0),
        (Phase::PlanAfterDrift, 25, 3, 0),
        (Phase::ApplyDrift, 29, 3, 0),
        (Phase::CommandPlan, 25, 3, 0),
        (Phase::CommandApply, 40, 3, 0),
    ];
    for (phase, minimum, changes, checks) in expected {
        let result = bench.run(phase).unwrap();
        let seen = (result.requests, result.minimum, result.changes);
        assert_eq!(
            seen,
            (minimum + checks, minimum as usize, changes),
            "{}",
            phase.name()
        );
        assert_eq!(
            (result.failed, result.throttled),
            (0, 0),
            "{}",
            phase.name()
        );
    }
}
