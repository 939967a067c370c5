//! Profile-scoped endpoints: networks, connectors, their shares and publication requests.
//!
//! These act on the profile of the client's token, so a caller managing several
//! profiles uses one client per profile token ([`Client::with_token`]).

use serde::de::IgnoredAny;

use super::client::Client;
use super::error::ApiError;
use super::query::ListQuery;
use super::route::{Method, PathArg, Route};
use super::transport::Call;
use super::types::{
    ConnectorCreateInfo, ConnectorCreateResponse, ConnectorInfo, Id, NetworkCreateInfo,
    NetworkCreateResponse, NetworkInfo, OwnedIntegration, PublicationInfo, PublishRequest,
    PublishResponse, ShareItem, ShareRequest,
};

/// Networks and connectors share their sharing and publication routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegrationKind {
    Network,
    Connector,
}

impl IntegrationKind {
    /// The path word (`network`, `connector`).
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationKind::Network => "network",
            IntegrationKind::Connector => "connector",
        }
    }
}

/// Every field of a network, asked for when a list query names none (TagoIO's default
/// is only `id` and `name`).
pub const NETWORK_FIELDS: [&str; 17] = [
    "id",
    "name",
    "profile",
    "created_at",
    "updated_at",
    "description",
    "logo_url",
    "icon_url",
    "banner_url",
    "device_parameters",
    "middleware_endpoint",
    "payload_encoder",
    "payload_decoder",
    "public",
    "documentation_url",
    "serial_number",
    "require_devices_access",
];

/// Every field of a connector, asked for when a list query names none.
pub const CONNECTOR_FIELDS: [&str; 15] = [
    "id",
    "name",
    "profile",
    "public",
    "created_at",
    "updated_at",
    "description",
    "logo_url",
    "device_parameters",
    "networks",
    "payload_encoder",
    "payload_decoder",
    "install_text",
    "install_end_text",
    "device_annotation",
];

fn with_default_fields(query: &ListQuery, fields: &[&str]) -> ListQuery {
    if query.fields.is_empty() {
        query.clone().fields(fields.iter().copied())
    } else {
        query.clone()
    }
}

/// The owner-only fields a list can carry: recipients and publication state. A server that
/// does not send them leaves them `None`, and the caller reads them per object instead.
const OWNER_FIELDS: [&str; 2] = ["shared_with", "publication"];

impl Client {
    /// `GET /integration/{kind}` as the owner reads it: every field, plus `shared_with` and
    /// `publication` where the server provides them, every page.
    pub async fn owned_list<T: serde::de::DeserializeOwned>(
        &self,
        kind: IntegrationKind,
    ) -> Result<Vec<OwnedIntegration<T>>, ApiError> {
        let (path, fields): (&str, &[&str]) = match kind {
            IntegrationKind::Network => ("/integration/network", &NETWORK_FIELDS),
            IntegrationKind::Connector => ("/integration/connector", &CONNECTOR_FIELDS),
        };
        let route = Route::new(Method::Get, path, &[])?;
        let query = ListQuery::default().fields(fields.iter().chain(OWNER_FIELDS.iter()).copied());
        self.list_all(route, &query, false).await
    }

    /// `GET /integration/network`, every page. Without `fields`, all of them.
    pub async fn networks_list(&self, query: &ListQuery) -> Result<Vec<NetworkInfo>, ApiError> {
        let route = Route::new(Method::Get, "/integration/network", &[])?;
        self.list_all(route, &with_default_fields(query, &NETWORK_FIELDS), false)
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
        let query = with_default_fields(&ListQuery::default(), &NETWORK_FIELDS).encode_fields();
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

    /// `GET /integration/connector`, every page. Without `fields`, all of them.
    pub async fn connectors_list(&self, query: &ListQuery) -> Result<Vec<ConnectorInfo>, ApiError> {
        let route = Route::new(Method::Get, "/integration/connector", &[])?;
        self.list_all(route, &with_default_fields(query, &CONNECTOR_FIELDS), false)
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
        let query = with_default_fields(&ListQuery::default(), &CONNECTOR_FIELDS).encode_fields();
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

    /// `GET /integration/{kind}/{id}/share`: the profiles it is shared with.
    pub async fn shares_list(
        &self,
        kind: IntegrationKind,
        id: &str,
    ) -> Result<Vec<ShareItem>, ApiError> {
        let route = Route::new(
            Method::Get,
            "/integration/{kind}/{id}/share",
            &[PathArg::Word(kind.as_str()), PathArg::Id(id)],
        )?;
        self.execute(Call::new(route)).await
    }

    /// `POST /integration/{kind}/{id}/share`: shares with another profile (409 if already).
    pub async fn share_add(
        &self,
        kind: IntegrationKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ApiError> {
        super::route::check_id(profile_id)?;
        let route = Route::new(
            Method::Post,
            "/integration/{kind}/{id}/share",
            &[PathArg::Word(kind.as_str()), PathArg::Id(id)],
        )?;
        let body = ShareRequest {
            profile_id: profile_id.to_owned(),
        };
        let _: IgnoredAny = self.execute(Call::new(route).json(&body)?).await?;
        Ok(())
    }

    /// `DELETE /integration/{kind}/{id}/share/{profile_id}`.
    pub async fn share_remove(
        &self,
        kind: IntegrationKind,
        id: &str,
        profile_id: &str,
    ) -> Result<(), ApiError> {
        let route = Route::new(
            Method::Delete,
            "/integration/{kind}/{id}/share/{profile_id}",
            &[
                PathArg::Word(kind.as_str()),
                PathArg::Id(id),
                PathArg::Id(profile_id),
            ],
        )?;
        let _: IgnoredAny = self.execute(Call::new(route)).await?;
        Ok(())
    }

    /// `GET /integration/network/shared`, every page: networks other profiles shared
    /// with this one. Without `fields`, all of them.
    pub async fn shared_networks_list(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<NetworkInfo>, ApiError> {
        let route = Route::new(Method::Get, "/integration/network/shared", &[])?;
        self.list_all(route, &with_default_fields(query, &NETWORK_FIELDS), false)
            .await
    }

    /// `GET /integration/connector/shared`, every page: connectors other profiles shared
    /// with this one. Without `fields`, all of them.
    pub async fn shared_connectors_list(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<ConnectorInfo>, ApiError> {
        let route = Route::new(Method::Get, "/integration/connector/shared", &[])?;
        self.list_all(route, &with_default_fields(query, &CONNECTOR_FIELDS), false)
            .await
    }

    /// `POST /integration/{kind}/{id}/publish`: asks TagoIO to make it public
    /// (409 while a request is pending).
    pub async fn publication_submit(
        &self,
        kind: IntegrationKind,
        id: &str,
        message: Option<&str>,
    ) -> Result<PublishResponse, ApiError> {
        let route = Route::new(
            Method::Post,
            "/integration/{kind}/{id}/publish",
            &[PathArg::Word(kind.as_str()), PathArg::Id(id)],
        )?;
        let body = PublishRequest {
            message: message.map(str::to_owned),
        };
        self.execute(Call::new(route).json(&body)?).await
    }

    /// `GET /integration/{kind}/{id}/publish`: the latest publication request.
    pub async fn publication_status(
        &self,
        kind: IntegrationKind,
        id: &str,
    ) -> Result<PublicationInfo, ApiError> {
        let route = Route::new(
            Method::Get,
            "/integration/{kind}/{id}/publish",
            &[PathArg::Word(kind.as_str()), PathArg::Id(id)],
        )?;
        self.execute(Call::new(route)).await
    }
}
