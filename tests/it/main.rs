//! The one integration test binary: a module per area keeps link time down.

mod emulator_wire;
