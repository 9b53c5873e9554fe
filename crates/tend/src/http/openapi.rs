//! Finishing touches on the generated OpenAPI document: title, bearer
//! security, the CONTRACT error body, and the error statuses every
//! operation can answer (so the document never understates the API).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{PartialSchema as _, ToSchema};

/// The CONTRACT error body.
#[derive(ToSchema)]
#[expect(dead_code, reason = "describes a JSON shape for the OpenAPI document")]
pub struct ErrorBody {
    #[schema(inline)]
    error: ErrorDetail,
}

/// The inside of an error body.
#[derive(ToSchema)]
#[expect(dead_code, reason = "describes a JSON shape for the OpenAPI document")]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `invalid_input`, `not_found`.
    code: String,
    /// What went wrong and what to do, for people.
    message: String,
    /// Specifics, e.g. `{"field": "customer.email"}`.
    #[schema(value_type = Object)]
    details: serde_json::Value,
}

/// Applies the finishing touches.
pub fn finish(mut api: OpenApi) -> OpenApi {
    api.info.title = "Tend API".into();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    api.info.description = Some(
        "Tend's REST API. Authenticate with `Authorization: Bearer <token>` \
         (create one with `tend admin create-token`). GET requests also accept \
         the agent UI's session cookie (`tend_session`), so a signed-in browser \
         can download attachments; requests that change state always need the \
         bearer token. Errors answer \
         `{\"error\": {\"code\", \"message\", \"details\"}}`; lists answer \
         `{\"items\", \"next_cursor\"}` and take `limit` (1–200, default 50) and `cursor`."
            .into(),
    );
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    components
        .schemas
        .insert("ErrorBody".into(), ErrorBody::schema());
    api.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    for item in api.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            add_error_responses(op);
        }
    }
    api
}

fn add_error_responses(op: &mut Operation) {
    let has_body = op.request_body.is_some();
    let params: Vec<ParameterIn> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some(p.parameter_in.clone()),
            RefOr::Ref(_) => None,
        })
        .collect();
    let mut wanted: Vec<(&str, &str)> = vec![("401", "No token, or a bad one")];
    if has_body {
        wanted.push(("413", "The body is too large"));
        wanted.push(("415", "The body is not in a format this endpoint reads"));
        wanted.push(("422", "Invalid input; `details.field` names it"));
    }
    if params.iter().any(|p| matches!(p, ParameterIn::Query)) {
        wanted.push(("422", "Invalid parameter; `details.field` names it"));
    }
    if params.iter().any(|p| matches!(p, ParameterIn::Path)) {
        wanted.push(("404", "Not found, or not visible to the caller"));
    }
    for (code, description) in wanted {
        op.responses
            .responses
            .entry(code.to_string())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(description)
                    .build()
                    .into()
            });
    }
    // Every error response carries the CONTRACT error body.
    for (code, resp) in op.responses.responses.iter_mut() {
        if !(code.starts_with('4') || code.starts_with('5')) {
            continue;
        }
        if let RefOr::T(r) = resp
            && r.content.is_empty()
        {
            r.content.insert(
                "application/json".into(),
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build()
                    .into(),
            );
        }
    }
}
