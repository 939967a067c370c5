//! Billing endpoints: the service allocation among profiles, the subscription (limits and
//! add-ons), prices, and removing an add-on (sdk-js `Billing.ts`, `Profile.ts`).

use serde::de::IgnoredAny;

use super::client::Client;
use super::error::ApiError;
use super::route::{Method, PathArg, Route};
use super::transport::Call;
use super::types::{
    AllocationEdit, AllocationItem, Prices, Subscription, SubscriptionAddOnsEdit,
    SubscriptionSchedule,
};
use crate::billing::AddOn;

impl Client {
    /// `GET /account/allocation`: every profile's share of each service.
    pub async fn allocation(&self) -> Result<Vec<AllocationItem>, ApiError> {
        let route = Route::new(Method::Get, "/account/allocation", &[])?;
        self.execute(Call::new(route)).await
    }

    /// `POST /account/allocation`: sets the services given for the profiles given. TagoIO
    /// refuses the whole request when a service's sum would exceed the account's limit.
    pub async fn allocation_edit(&self, edits: &[AllocationEdit]) -> Result<(), ApiError> {
        for edit in edits {
            super::route::check_id(&edit.profile)?;
        }
        let route = Route::new(Method::Post, "/account/allocation", &[])?;
        let _: IgnoredAny = self.execute(Call::new(route).json(&edits)?).await?;
        Ok(())
    }

    /// `GET /account/subscription`: the plan, each service's limit and the add-on holders.
    pub async fn subscription(&self) -> Result<Subscription, ApiError> {
        let route = Route::new(Method::Get, "/account/subscription", &[])?;
        self.execute(Call::new(route)).await
    }

    /// `GET /account/subscription/schedule`: the changes waiting for the end of the cycle.
    pub async fn subscription_schedule(&self) -> Result<SubscriptionSchedule, ApiError> {
        let route = Route::new(Method::Get, "/account/subscription/schedule", &[])?;
        self.execute(Call::new(route)).await
    }

    /// `POST /account/subscription` with `addons`: a purchase, charged to the account.
    pub async fn subscription_addons_edit(
        &self,
        edit: &SubscriptionAddOnsEdit,
    ) -> Result<(), ApiError> {
        for id in edit.addons.values().flatten() {
            super::route::check_id(id)?;
        }
        let route = Route::new(Method::Post, "/account/subscription", &[])?;
        let _: IgnoredAny = self.execute(Call::new(route).json(edit)?).await?;
        Ok(())
    }

    /// `GET /pricing`: TagoIO's list prices.
    pub async fn pricing(&self) -> Result<Prices, ApiError> {
        let route = Route::new(Method::Get, "/pricing", &[])?;
        self.execute(Call::new(route)).await
    }

    /// `DELETE /profile/{id}/{addon}`: asks for an add-on to leave a profile at the end of
    /// the billing cycle (sdk-js `profiles.removeAddOn`, marked deprecated there; no other
    /// route is published). The answer proves nothing: the schedule is read to confirm.
    pub async fn addon_remove(&self, profile_id: &str, addon: AddOn) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Delete,
            "/profile/{id}/{addon}",
            &[PathArg::Id(profile_id), PathArg::Word(addon.as_str())],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route)).await?;
        Ok(())
    }
}
