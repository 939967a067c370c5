//! Profile-scoped endpoints: networks and connectors (sdk-js `Integration.Networks.ts`,
//! `Integration.Connectors.ts`). Their shares are in [`super::share`].
//!
//! These act on the profile of the client's token, so a caller managing several
//! profiles uses one client per profile token ([`Client::with_token`]).
//!
//! TagoIO's lists answer a profile's own objects, the objects shared with it and TagoIO's
//! public catalog alike, with no field telling them apart (mcp-server
//! `src/services/integration/AGENTS.md`). So every list here asks with
//! `filter[profile]=<profile id>`, which keeps only that profile's own objects: nothing in
//! tagoform may decide ownership from what a list item lacks.

use serde::de::IgnoredAny;

use super::client::Client;
use super::error::ApiError;
use super::query::ListQuery;
use super::route::{Method, PathArg, Route};
use super::transport::Call;
use super::types::{
    ConnectorCreateInfo, ConnectorCreateResponse, ConnectorInfo, Id, NetworkCreateInfo,
    NetworkCreateResponse, NetworkInfo,
};
use crate::kind::ObjectKind;

/// Every field of `kind`, asked for when a list query names none (TagoIO's default is only
/// `id` and `name`): what identifies it and the fields the configuration manages
/// ([`ObjectKind::managed_fields`]). sdk-js `NetworkInfo` and `ConnectorInfo` hold them all;
/// `created_at` and `updated_at` are what its queries sort by.
fn every_field(kind: ObjectKind) -> Vec<&'static str> {
    [kind.identity_fields(), kind.managed_fields()].concat()
}

fn with_default_fields(query: &ListQuery, kind: ObjectKind) -> ListQuery {
    if query.fields.is_empty() {
        query.clone().fields(every_field(kind))
    } else {
        query.clone()
    }
}

/// `query` with only `profile`'s own objects: `filter[profile]`, which also drops the
/// catalog and what other profiles shared with it.
fn owned_by(query: &ListQuery, profile_id: &str, kind: ObjectKind) -> ListQuery {
    with_default_fields(query, kind).filter("profile", profile_id)
}

/// An object of a name, as `integrations_named` lists it: the token's profile's own, one
/// shared with it, or an entry of TagoIO's public catalog (`public`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct NamedIntegration {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub public: bool,
}

impl Client {
    /// `GET /integration/{kind}?filter[name]=<name>`, every page: what the token's profile
    /// sees of that name, TagoIO's public catalog included (no `filter[profile]`, no
    /// `filter[public]`), with `id`, `name` and `public` only.
    pub async fn integrations_named(
        &self,
        kind: ObjectKind,
        name: &str,
    ) -> Result<Vec<NamedIntegration>, ApiError> {
        let route = Route::new(
            Method::Get,
            "/integration/{kind}",
            &[PathArg::Word(kind.as_str())],
        )?;
        let query = ListQuery::default()
            .fields(["id", "name", "public"])
            .filter("name", name);
        self.list_all(route, &query, false).await
    }

    /// `GET /integration/network?filter[profile]=<profile_id>`, every page: the networks the
    /// profile owns. Without `fields`, all of them.
    pub async fn owned_networks(
        &self,
        profile_id: &str,
        query: &ListQuery,
    ) -> Result<Vec<NetworkInfo>, ApiError> {
        super::route::check_id(profile_id)?;
        let route = Route::new(Method::Get, "/integration/network", &[])?;
        self.list_all(
            route,
            &owned_by(query, profile_id, ObjectKind::Network),
            false,
        )
        .await
    }

    /// `POST /integration/network`: returns the new network's id.
    pub async fn network_create(&self, network: &NetworkCreateInfo) -> Result<Id, ApiError> {
        let route = Route::new(Method::Post, "/integration/network", &[])?;
        let created: NetworkCreateResponse = self.execute(Call::new(route).json(network)?).await?;
        Ok(created.network)
    }

    /// `GET /integration/network/{id}`, every field.
    pub async fn network_info(&self, network_id: &str) -> Result<NetworkInfo, ApiError> {
        let route = Route::new(
            Method::Get,
            "/integration/network/{id}",
            &[PathArg::Id(network_id)],
        )?;
        let query = with_default_fields(&ListQuery::default(), ObjectKind::Network).encode_fields();
        self.execute(Call::new(route).query(query)).await
    }

    /// `PUT /integration/network/{id}`: changes the fields present.
    pub async fn network_edit(
        &self,
        network_id: &str,
        edit: &NetworkCreateInfo,
    ) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Put,
            "/integration/network/{id}",
            &[PathArg::Id(network_id)],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route).json(edit)?).await?;
        Ok(())
    }

    /// `DELETE /integration/network/{id}`.
    pub async fn network_delete(&self, network_id: &str) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Delete,
            "/integration/network/{id}",
            &[PathArg::Id(network_id)],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route)).await?;
        Ok(())
    }

    /// `GET /integration/connector?filter[profile]=<profile_id>`, every page: the
    /// connectors the profile owns. Without `fields`, all of them.
    pub async fn owned_connectors(
        &self,
        profile_id: &str,
        query: &ListQuery,
    ) -> Result<Vec<ConnectorInfo>, ApiError> {
        super::route::check_id(profile_id)?;
        let route = Route::new(Method::Get, "/integration/connector", &[])?;
        self.list_all(
            route,
            &owned_by(query, profile_id, ObjectKind::Connector),
            false,
        )
        .await
    }

    /// `POST /integration/connector`: returns the new connector's id.
    pub async fn connector_create(&self, connector: &ConnectorCreateInfo) -> Result<Id, ApiError> {
        let route = Route::new(Method::Post, "/integration/connector", &[])?;
        let created: ConnectorCreateResponse =
            self.execute(Call::new(route).json(connector)?).await?;
        Ok(created.connector)
    }

    /// `GET /integration/connector/{id}`, every field.
    pub async fn connector_info(&self, connector_id: &str) -> Result<ConnectorInfo, ApiError> {
        let route = Route::new(
            Method::Get,
            "/integration/connector/{id}",
            &[PathArg::Id(connector_id)],
        )?;
        let query =
            with_default_fields(&ListQuery::default(), ObjectKind::Connector).encode_fields();
        self.execute(Call::new(route).query(query)).await
    }

    /// `PUT /integration/connector/{id}`: changes the fields present.
    pub async fn connector_edit(
        &self,
        connector_id: &str,
        edit: &ConnectorCreateInfo,
    ) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Put,
            "/integration/connector/{id}",
            &[PathArg::Id(connector_id)],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route).json(edit)?).await?;
        Ok(())
    }

    /// `DELETE /integration/connector/{id}`.
    pub async fn connector_delete(&self, connector_id: &str) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Delete,
            "/integration/connector/{id}",
            &[PathArg::Id(connector_id)],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route)).await?;
        Ok(())
    }
}
