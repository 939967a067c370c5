//! Desired state: YAML → validated model, with located diagnostics. Never touches the network.
