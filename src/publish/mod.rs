//! Publication: TagoIO's public catalog is generated from the `tago-io/decoders` repository,
//! and a publication is a pull request to it. This module writes contributions to it (its
//! id rule, needed lower down too, is [`crate::catalog_id`]).

pub mod contribution;
pub mod prepare;
pub mod repo;
