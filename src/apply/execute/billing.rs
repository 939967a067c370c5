//! Service allocation and add-ons: account routes, taken with the account token.
//!
//! A lost answer is safe to repeat for all three: an allocation sets amounts (the same
//! request twice leaves the same amounts), a purchase first reads who holds the add-on, and
//! a removal is confirmed by reading the subscription's schedule, whatever it was answered.

use super::{ExecuteError, Executor};
use crate::api::types::{AllocationEdit, SubscriptionAddOnsEdit};
use crate::billing::AddOn;
use crate::plan::{AllocationEntry, ProfileRef};

impl Executor<'_> {
    /// Sends every entry in one `POST /account/allocation`: TagoIO checks each service's sum
    /// over the request as a whole, so moving an amount from one profile to another is
    /// accepted only when both travel together.
    pub(super) async fn allocate(&self, entries: &[AllocationEntry]) -> Result<(), ExecuteError> {
        let mut edits = Vec::with_capacity(entries.len());
        for entry in entries {
            edits.push(AllocationEdit {
                profile: self.profile_id(&entry.target).await?,
                services: entry.services.clone(),
            });
        }
        let account = self.access.account();
        match account.allocation_edit(&edits).await {
            Err(error) if error.answer_lost() => Ok(account.allocation_edit(&edits).await?),
            other => Ok(other?),
        }
    }

    /// Adds the profile to the add-on's list: reads the list, sends it with the profile
    /// added, and reads it again to confirm (what TagoIO does with the list it is sent is
    /// not published: the answer alone is not trusted with money).
    pub(super) async fn add_addon(
        &self,
        target: &ProfileRef,
        addon: AddOn,
    ) -> Result<(), ExecuteError> {
        let id = self.profile_id(target).await?;
        let account = self.access.account();
        let _one_at_a_time = self.subscription.lock().await;
        let mut holders = account.subscription().await?.holders(addon).to_vec();
        if holders.contains(&id) {
            return Ok(());
        }
        holders.push(id.clone());
        let edit = SubscriptionAddOnsEdit {
            addons: [(addon, holders)].into(),
        };
        let sent = account.subscription_addons_edit(&edit).await;
        if let Err(error) = sent {
            if !error.answer_lost() {
                return Err(error.into());
            }
        }
        if account.subscription().await?.holders(addon).contains(&id) {
            Ok(())
        } else {
            Err(ExecuteError::Unmet(format!(
                "TagoIO accepted the purchase of the `{addon}` add-on for profile `{}` ({id}), \
                 but the subscription does not list it; check the Billing page before running again",
                target.key
            )))
        }
    }

    /// `DELETE /profile/{id}/{addon}`, which TagoIO carries out at the end of the billing
    /// cycle. Done only when the schedule shows the profile without the add-on after the
    /// cycle, or the subscription no longer lists it: the route is deprecated, so neither its
    /// success nor a 404 says the customer stops paying.
    pub(super) async fn remove_addon(
        &self,
        target: &ProfileRef,
        addon: AddOn,
    ) -> Result<(), ExecuteError> {
        let id = self.profile_id(target).await?;
        let account = self.access.account();
        let _one_at_a_time = self.subscription.lock().await;
        let not_found = match account.addon_remove(&id, addon).await {
            Ok(()) => false,
            Err(error) if error.is_not_found() => true,
            Err(error) if error.answer_lost() => false,
            Err(error) => return Err(error.into()),
        };
        let schedule = account.subscription_schedule().await?;
        if schedule
            .holders_after(addon)
            .is_some_and(|after| !after.contains(&id))
        {
            return Ok(());
        }
        if !account.subscription().await?.holders(addon).contains(&id) {
            return Ok(());
        }
        let answered = if not_found {
            "answered 404 to the removal of"
        } else {
            "accepted the removal of"
        };
        Err(ExecuteError::Unmet(format!(
            "TagoIO {answered} the `{addon}` add-on of profile `{}` ({id}), but neither the \
             subscription nor its schedule shows it going: the add-on is still billed; remove \
             it on TagoIO's Billing page, then run again",
            target.key
        )))
    }
}
