//! Publication: TagoIO's public catalog is generated from the `tago-io/decoders` repository,
//! and a publication is a pull request to it. This module knows that repository's rules.

pub mod contribution;
pub mod id;
pub mod prepare;
pub mod repo;
