//! The live side: a [`LiveSnapshot`] of what the configuration manages, read through the client.

mod snapshot;

pub use snapshot::*;
