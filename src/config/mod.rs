//! Desired state: YAML → validated model, with located diagnostics. Never touches the network.

pub mod diagnostic;
pub mod model;
pub mod wire;

pub use diagnostic::{Diagnostic, Severity};
pub use model::*;
