//! HTTP method and path to API method. People paths put a custom verb after
//! a colon in the last segment (`v1/people/c1:updateContact`), so routing
//! is a small match over path segments against each method's `flatPath`.

use crate::error::ApiError;

/// The 24 methods of the People API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    CreateContact,
    GetPerson,
    GetPeople,
    UpdateContact,
    DeleteContact,
    UpdateContactPhoto,
    DeleteContactPhoto,
    BatchCreateContacts,
    BatchUpdateContacts,
    BatchDeleteContacts,
    SearchContacts,
    ListDirectoryPeople,
    SearchDirectoryPeople,
    ListConnections,
    CreateGroup,
    GetGroup,
    ListGroups,
    UpdateGroup,
    DeleteGroup,
    BatchGetGroups,
    ModifyGroupMembers,
    ListOtherContacts,
    SearchOtherContacts,
    CopyOtherContact,
}

/// One method as the discovery document declares it.
#[derive(Debug)]
pub(crate) struct Method {
    /// The discovery `id`, named when a path is used with the wrong HTTP method.
    pub(crate) id: &'static str,
    pub(crate) http_method: &'static str,
    /// The discovery `flatPath`: `{name}` matches one path segment.
    flat_path: &'static str,
    pub(crate) operation: Operation,
    /// The method's query parameters; anything else (bar the standard
    /// parameters) is a 400.
    pub(crate) parameters: &'static [&'static str],
    pub(crate) has_body: bool,
}

/// A table row; positional so that the table reads like the discovery document.
const fn method(
    id: &'static str,
    http_method: &'static str,
    flat_path: &'static str,
    operation: Operation,
    parameters: &'static [&'static str],
    has_body: bool,
) -> Method {
    Method { id, http_method, flat_path, operation, parameters, has_body }
}

pub(crate) const METHODS: &[Method] = &[
    method(
        "people.people.createContact",
        "POST",
        "v1/people:createContact",
        Operation::CreateContact,
        &["personFields", "sources"],
        true,
    ),
    method(
        "people.people.get",
        "GET",
        "v1/people/{peopleId}",
        Operation::GetPerson,
        &["personFields", "requestMask.includeField", "sources"],
        false,
    ),
    method(
        "people.people.getBatchGet",
        "GET",
        "v1/people:batchGet",
        Operation::GetPeople,
        &["personFields", "requestMask.includeField", "resourceNames", "sources"],
        false,
    ),
    method(
        "people.people.updateContact",
        "PATCH",
        "v1/people/{peopleId}:updateContact",
        Operation::UpdateContact,
        &["personFields", "sources", "updatePersonFields"],
        true,
    ),
    method(
        "people.people.deleteContact",
        "DELETE",
        "v1/people/{peopleId}:deleteContact",
        Operation::DeleteContact,
        &[],
        false,
    ),
    method(
        "people.people.updateContactPhoto",
        "PATCH",
        "v1/people/{peopleId}:updateContactPhoto",
        Operation::UpdateContactPhoto,
        &[],
        true,
    ),
    method(
        "people.people.deleteContactPhoto",
        "DELETE",
        "v1/people/{peopleId}:deleteContactPhoto",
        Operation::DeleteContactPhoto,
        &["personFields", "sources"],
        false,
    ),
    method(
        "people.people.batchCreateContacts",
        "POST",
        "v1/people:batchCreateContacts",
        Operation::BatchCreateContacts,
        &[],
        true,
    ),
    method(
        "people.people.batchUpdateContacts",
        "POST",
        "v1/people:batchUpdateContacts",
        Operation::BatchUpdateContacts,
        &[],
        true,
    ),
    method(
        "people.people.batchDeleteContacts",
        "POST",
        "v1/people:batchDeleteContacts",
        Operation::BatchDeleteContacts,
        &[],
        true,
    ),
    method(
        "people.people.searchContacts",
        "GET",
        "v1/people:searchContacts",
        Operation::SearchContacts,
        &["pageSize", "query", "readMask", "sources"],
        false,
    ),
    method(
        "people.people.listDirectoryPeople",
        "GET",
        "v1/people:listDirectoryPeople",
        Operation::ListDirectoryPeople,
        &[
            "mergeSources",
            "pageSize",
            "pageToken",
            "readMask",
            "requestSyncToken",
            "sources",
            "syncToken",
        ],
        false,
    ),
    method(
        "people.people.searchDirectoryPeople",
        "GET",
        "v1/people:searchDirectoryPeople",
        Operation::SearchDirectoryPeople,
        &["mergeSources", "pageSize", "pageToken", "query", "readMask", "sources"],
        false,
    ),
    method(
        "people.people.connections.list",
        "GET",
        "v1/people/{peopleId}/connections",
        Operation::ListConnections,
        &[
            "pageSize",
            "pageToken",
            "personFields",
            "requestMask.includeField",
            "requestSyncToken",
            "sortOrder",
            "sources",
            "syncToken",
        ],
        false,
    ),
    method(
        "people.contactGroups.create",
        "POST",
        "v1/contactGroups",
        Operation::CreateGroup,
        &[],
        true,
    ),
    method(
        "people.contactGroups.get",
        "GET",
        "v1/contactGroups/{contactGroupsId}",
        Operation::GetGroup,
        &["groupFields", "maxMembers"],
        false,
    ),
    method(
        "people.contactGroups.list",
        "GET",
        "v1/contactGroups",
        Operation::ListGroups,
        &["groupFields", "pageSize", "pageToken", "syncToken"],
        false,
    ),
    method(
        "people.contactGroups.update",
        "PUT",
        "v1/contactGroups/{contactGroupsId}",
        Operation::UpdateGroup,
        &[],
        true,
    ),
    method(
        "people.contactGroups.delete",
        "DELETE",
        "v1/contactGroups/{contactGroupsId}",
        Operation::DeleteGroup,
        &["deleteContacts"],
        false,
    ),
    method(
        "people.contactGroups.batchGet",
        "GET",
        "v1/contactGroups:batchGet",
        Operation::BatchGetGroups,
        &["groupFields", "maxMembers", "resourceNames"],
        false,
    ),
    method(
        "people.contactGroups.members.modify",
        "POST",
        "v1/contactGroups/{contactGroupsId}/members:modify",
        Operation::ModifyGroupMembers,
        &[],
        true,
    ),
    method(
        "people.otherContacts.list",
        "GET",
        "v1/otherContacts",
        Operation::ListOtherContacts,
        &["pageSize", "pageToken", "readMask", "requestSyncToken", "sources", "syncToken"],
        false,
    ),
    method(
        "people.otherContacts.search",
        "GET",
        "v1/otherContacts:search",
        Operation::SearchOtherContacts,
        &["pageSize", "query", "readMask"],
        false,
    ),
    method(
        "people.otherContacts.copyOtherContactToMyContactsGroup",
        "POST",
        "v1/otherContacts/{otherContactsId}:copyOtherContactToMyContactsGroup",
        Operation::CopyOtherContact,
        &[],
        true,
    ),
];

/// A routed request: the method and, for `{+resourceName}` paths, the
/// resource it names (`people/c1`, `contactGroups/abc`).
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) method: &'static Method,
    pub(crate) resource_name: String,
}

/// Routes a decoded path (without the leading `/`). An unknown path is 404;
/// a known path with the wrong HTTP method is 404 too, naming the right one.
pub(crate) fn route(http_method: &str, path: &str) -> Result<Route, ApiError> {
    let mut allowed = Vec::new();
    for method in METHODS {
        let Some(resource_name) = match_path(method.flat_path, path) else {
            continue;
        };
        if method.http_method == http_method {
            return Ok(Route { method, resource_name });
        }
        allowed.push(format!("{} ({})", method.http_method, method.id));
    }
    if allowed.is_empty() {
        Err(ApiError::not_found(format!("The requested URL /{path} was not found.")))
    } else {
        Err(ApiError::not_found(format!(
            "The requested URL /{path} does not accept {http_method}; use {}.",
            allowed.join(" or ")
        )))
    }
}

/// Matches `path` against a `flatPath`; on success returns the resource name
/// (`people/c1` for `v1/people/{peopleId}:updateContact`), or `""` when the
/// path has no variable. A variable matches one non-empty segment without
/// `:`, since a colon introduces the custom verb.
fn match_path(flat_path: &str, path: &str) -> Option<String> {
    let mut pattern_segments = flat_path.split('/');
    let mut path_segments = path.split('/');
    let mut resource = Vec::new();
    let mut resource_name = String::new();
    loop {
        match (pattern_segments.next(), path_segments.next()) {
            (None, None) => return Some(resource_name),
            (Some(pattern), Some(segment)) => match pattern.split_once('{') {
                None if pattern == segment => resource.push(segment),
                None => return None,
                Some((prefix, variable)) => {
                    let suffix = variable.split_once('}')?.1;
                    let value = segment.strip_prefix(prefix)?.strip_suffix(suffix)?;
                    if value.is_empty() || value.contains(':') {
                        return None;
                    }
                    // `v1/people/{peopleId}`: the resource name drops the version.
                    resource.push(value);
                    resource_name = resource.get(1..).unwrap_or_default().join("/");
                }
            },
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn verbs_after_a_colon_route_to_their_method_with_the_resource_name() {
        let route = route("PATCH", "v1/people/c12:updateContact").unwrap();
        assert_eq!(route.method.operation, Operation::UpdateContact);
        assert_eq!(route.resource_name, "people/c12");
        let route = route_ok("POST", "v1/contactGroups/abc/members:modify");
        assert_eq!(
            (route.method.operation, route.resource_name.as_str()),
            (Operation::ModifyGroupMembers, "contactGroups/abc")
        );
        let route = route_ok("GET", "v1/people:batchGet");
        assert_eq!(
            (route.method.operation, route.resource_name.as_str()),
            (Operation::GetPeople, "")
        );
    }

    fn route_ok(method: &str, path: &str) -> Route {
        route(method, path).unwrap()
    }

    #[test]
    fn unknown_paths_verbs_and_methods_are_not_found() {
        for (method, path) in [
            ("GET", "v1/people/c1:frobnicate"),
            ("GET", "v1/people/c1/extra/segment"),
            ("GET", "v2/people/c1"),
            ("GET", "v1/people/"),
            ("POST", "v1/people/c1"),
        ] {
            assert_eq!(route(method, path).unwrap_err().http_status, 404, "{method} {path}");
        }
        assert!(route("GET", "v1/people/c1:updateContact").unwrap_err().message.contains("PATCH"));
    }

    /// The table above is hand-written: this keeps it equal to the pinned
    /// discovery document (ids, HTTP methods, paths, query parameters, bodies).
    #[test]
    fn the_method_table_matches_the_discovery_document() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../discovery/people.v1.json");
        let text = std::fs::read_to_string(path).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        let mut declared = Vec::new();
        collect_methods(&document["resources"], &mut declared);
        assert_eq!(declared.len(), METHODS.len());
        for discovered in declared {
            let id = discovered["id"].as_str().unwrap();
            let method = METHODS.iter().find(|method| method.id == id).unwrap();
            assert_eq!(discovered["httpMethod"], method.http_method, "{id}");
            assert_eq!(discovered["flatPath"], method.flat_path, "{id}");
            assert_eq!(discovered.get("request").is_some(), method.has_body, "{id}");
            let mut parameters: Vec<&str> = discovered["parameters"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, parameter)| parameter["location"] == "query")
                .map(|(name, _)| name.as_str())
                .collect();
            parameters.sort_unstable();
            let mut ours = method.parameters.to_vec();
            ours.sort_unstable();
            assert_eq!(parameters, ours, "{id}");
        }
    }

    fn collect_methods<'a>(resources: &'a Value, out: &mut Vec<&'a Value>) {
        for resource in resources.as_object().into_iter().flatten().map(|(_, resource)| resource) {
            out.extend(resource["methods"].as_object().into_iter().flatten().map(|(_, m)| m));
            collect_methods(&resource["resources"], out);
        }
    }
}
