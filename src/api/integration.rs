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

use serde::de::{DeserializeOwned, IgnoredAny};

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

/// The writable fields of one kind (the create and edit bodies), and what reading one back
/// gives, so that one set of methods serves networks and connectors.
trait Writable: serde::Serialize + Sync {
    const KIND: ObjectKind;
    type Info: DeserializeOwned;
    /// The answer to a create: the new id under the kind's name.
    type Created: DeserializeOwned;
    fn id(created: Self::Created) -> Id;
}

impl Writable for NetworkCreateInfo {
    const KIND: ObjectKind = ObjectKind::Network;
    type Info = NetworkInfo;
    type Created = NetworkCreateResponse;
    fn id(created: NetworkCreateResponse) -> Id {
        created.network
    }
}

impl Writable for ConnectorCreateInfo {
    const KIND: ObjectKind = ObjectKind::Connector;
    type Info = ConnectorInfo;
    type Created = ConnectorCreateResponse;
    fn id(created: ConnectorCreateResponse) -> Id {
        created.connector
    }
}

/// `/integration/{kind}`.
fn collection(method: Method, kind: ObjectKind) -> Result<Route, ApiError> {
    Route::new(
        method,
        "/integration/{kind}",
        &[PathArg::Word(kind.as_str())],
    )
}

/// `/integration/{kind}/{id}`.
fn member(method: Method, kind: ObjectKind, id: &str) -> Result<Route, ApiError> {
    let args = [PathArg::Word(kind.as_str()), PathArg::Id(id)];
    Route::new(method, "/integration/{kind}/{id}", &args)
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
        self.owned::<NetworkCreateInfo>(profile_id, query).await
    }

    /// `POST /integration/network`: returns the new network's id.
    pub async fn network_create(&self, network: &NetworkCreateInfo) -> Result<Id, ApiError> {
        self.create(network).await
    }

    /// `GET /integration/network/{id}`, every field.
    pub async fn network_info(&self, network_id: &str) -> Result<NetworkInfo, ApiError> {
        self.info::<NetworkCreateInfo>(network_id).await
    }

    /// `PUT /integration/network/{id}`: changes the fields present.
    pub async fn network_edit(&self, id: &str, edit: &NetworkCreateInfo) -> Result<(), ApiError> {
        self.edit(id, edit).await
    }

    /// `DELETE /integration/network/{id}`.
    pub async fn network_delete(&self, network_id: &str) -> Result<(), ApiError> {
        self.delete(ObjectKind::Network, network_id).await
    }

    /// `GET /integration/connector?filter[profile]=<profile_id>`, every page: the
    /// connectors the profile owns. Without `fields`, all of them.
    pub async fn owned_connectors(
        &self,
        profile_id: &str,
        query: &ListQuery,
    ) -> Result<Vec<ConnectorInfo>, ApiError> {
        self.owned::<ConnectorCreateInfo>(profile_id, query).await
    }

    /// `POST /integration/connector`: returns the new connector's id.
    pub async fn connector_create(&self, connector: &ConnectorCreateInfo) -> Result<Id, ApiError> {
        self.create(connector).await
    }

    /// `GET /integration/connector/{id}`, every field.
    pub async fn connector_info(&self, connector_id: &str) -> Result<ConnectorInfo, ApiError> {
        self.info::<ConnectorCreateInfo>(connector_id).await
    }

    /// `PUT /integration/connector/{id}`: changes the fields present.
    pub async fn connector_edit(
        &self,
        id: &str,
        edit: &ConnectorCreateInfo,
    ) -> Result<(), ApiError> {
        self.edit(id, edit).await
    }

    /// `DELETE /integration/connector/{id}`.
    pub async fn connector_delete(&self, connector_id: &str) -> Result<(), ApiError> {
        self.delete(ObjectKind::Connector, connector_id).await
    }

    /// `GET /integration/{kind}?filter[profile]=<profile_id>`, every page.
    async fn owned<W: Writable>(
        &self,
        profile_id: &str,
        query: &ListQuery,
    ) -> Result<Vec<W::Info>, ApiError> {
        super::route::check_id(profile_id)?;
        let route = collection(Method::Get, W::KIND)?;
        let query = owned_by(query, profile_id, W::KIND);
        self.list_all(route, &query, false).await
    }

    /// `POST /integration/{kind}`: the new object's id.
    async fn create<W: Writable>(&self, body: &W) -> Result<Id, ApiError> {
        let route = collection(Method::Post, W::KIND)?;
        let created: W::Created = self.execute(Call::new(route).json(body)?).await?;
        Ok(W::id(created))
    }

    /// `GET /integration/{kind}/{id}`, every field.
    async fn info<W: Writable>(&self, id: &str) -> Result<W::Info, ApiError> {
        let route = member(Method::Get, W::KIND, id)?;
        let query = with_default_fields(&ListQuery::default(), W::KIND).encode_fields();
        self.execute(Call::new(route).query(query)).await
    }

    /// `PUT /integration/{kind}/{id}`.
    async fn edit<W: Writable>(&self, id: &str, edit: &W) -> Result<(), ApiError> {
        let route = member(Method::Put, W::KIND, id)?;
        let _: IgnoredAny = self.execute(Call::new(route).json(edit)?).await?;
        Ok(())
    }

    /// `DELETE /integration/{kind}/{id}`.
    async fn delete(&self, kind: ObjectKind, id: &str) -> Result<(), ApiError> {
        let route = member(Method::Delete, kind, id)?;
        let _: IgnoredAny = self.execute(Call::new(route)).await?;
        Ok(())
    }
}
