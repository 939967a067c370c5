//! TagoIO wire types ([`types`]) and the typed async client.

pub mod types;
