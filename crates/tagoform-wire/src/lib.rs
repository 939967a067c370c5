//! What tagoform and its TagoIO emulator share: TagoIO's wire types ([`types`]), the one
//! type for secrets ([`secret`]), billing's names, authenticator codes ([`totp`]), the public
//! catalog's ids, the kinds of integration and bounded file reads. No I/O beyond reading a
//! file, no HTTP: the client lives in `tagoform`, the server in `tagoform-emulator`.

pub mod billing;
pub mod bounded;
pub mod catalog_id;
pub mod kind;
pub mod period;
pub mod secret;
pub mod totp;
pub mod types;

pub use secret::{Secret, Token};
