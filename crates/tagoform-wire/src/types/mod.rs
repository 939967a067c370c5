//! TagoIO wire types (DTOs) shared by the client and the emulator.
//!
//! Field names are snake_case exactly as TagoIO puts them on the wire; optional fields are
//! `Option` and skipped when absent, so a type can carry a partial object (an edit, or a list
//! item reduced by `fields`). Types that hold a token value or a password print `<redacted>`
//! in their `Debug` output: secrets must never reach a log line or an error message.
//! Hand-written samples of TagoIO's answers (from its SDK's types and its documentation's
//! examples; none is recorded from TagoIO) live in `tests/fixtures/emulator/samples/`, and a
//! test parses them with these types so the client and the emulator cannot drift together.
//!
//! One file per area; every type is re-exported here, so callers name `api::types::X`
//! whichever file holds it.

mod account;
mod billing;
mod emulator_admin;
mod envelope;
mod integration;
mod notification;
mod profile;
mod scalars;
pub mod script;
mod token;

pub use account::{
    LoginOtpRequest, LoginRequest, LoginResponse, ProfileTokenCreated, ProfileTokenRequest,
    ProfileTokenResponse,
};
pub use billing::{
    AddOnPrice, AllocationEdit, AllocationItem, Cycle, Prices, ScheduledSubscription, ServiceLimit,
    Subscription, SubscriptionAddOnsEdit, SubscriptionSchedule,
};
pub use emulator_admin::{AdvanceClockRequest, ClockInfo, FreezeClockRequest, RequestStats};
pub use envelope::{ApiFailure, ApiSuccess, RawEnvelope, MAX_PAGE_AMOUNT};
pub use integration::{
    ConnectorCreateInfo, ConnectorCreateResponse, ConnectorInfo, DeviceParameter,
    NetworkCreateInfo, NetworkCreateResponse, NetworkInfo, SerialNumber, ShareItem, ShareRequest,
};
pub use notification::{NotificationButton, NotificationInfo, NotificationTrigger};
pub use profile::{
    ProfileCreateRequest, ProfileCreateResponse, ProfileDeleteRequest, ProfileDetails,
    ProfileEditRequest, ProfileInfo, ProfileListItem, TeamInviteRequest, TeamMember,
};
pub use scalars::{is_valid_id, wire_instant, Expiry, Id, ListedExpiry, OtpType, Permission};
pub use token::{
    TokenCreateRequest, TokenCreateResponse, TokenListItem, TOKEN_TYPE_ACCOUNT, TOKEN_TYPE_LOGIN,
};
