//! The OpenAPI document covers every endpoint, and every schema it refers
//! to is in it.

use serde_json::Value;

use crate::helpers::{SCOPED_READS, spawn_app};

const ENDPOINTS: &[(&str, &str)] = &[
    ("post", "/api/v1/session"),
    ("get", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("put", "/api/v1/session/password"),
    ("get", "/api/v1/roster"),
    ("get", "/api/v1/places"),
    ("post", "/api/v1/roster/import"),
    ("get", "/api/v1/roster/template"),
    ("post", "/api/v1/submissions"),
    ("post", "/api/v1/visits"),
    ("get", "/api/v1/households/{code}"),
    ("get", "/api/v1/households/{code}/history"),
    ("get", "/api/v1/export"),
    ("get", "/api/v1/coverage"),
    ("get", "/api/v1/gaps"),
    ("get", "/api/v1/indicators"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("patch", "/api/v1/users/{username}"),
    ("post", "/api/v1/users/{username}/disable"),
    ("post", "/api/v1/users/{username}/enable"),
    ("post", "/api/v1/users/{username}/password"),
    ("post", "/api/v1/users/import"),
    ("get", "/api/v1/users/template"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/review"),
    ("post", "/api/v1/submissions/{id}/review"),
    ("get", "/api/v1/conflicts"),
    ("post", "/api/v1/conflicts/resolve"),
];

fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => out.push(target),
                    _ => refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_covers_every_endpoint_and_resolves() {
    let app = spawn_app().await;

    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();

    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (method, path) in ENDPOINTS {
        let op = &doc["paths"][*path][*method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert!(
            op["responses"].is_object(),
            "{method} {path} lists its responses"
        );
    }
    // Every read of many households names the round, grid and area it takes.
    for path in SCOPED_READS {
        let names: Vec<&str> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has parameters"))
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for name in ["round", "grid", "area"] {
            assert!(names.contains(&name), "{path} documents {name}: {names:?}");
        }
    }
    // Every template download says which formats it gives.
    for path in [
        "/api/v1/roster/template",
        "/api/v1/users/template",
        "/api/v1/fields/template",
    ] {
        let format = &doc["paths"][path]["get"]["parameters"][0];
        assert_eq!(format["name"], "format", "{path}");
        assert_eq!(format["in"], "query", "{path}");
        assert!(
            format["description"].as_str().unwrap().contains("csv"),
            "{path}: {format}"
        );
    }
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Submission",
        "FieldWrite",
        "Receipt",
        "ErrorBody",
        "LedgerView",
        "Roster",
        "Visit",
        "ReviewList",
        "Review",
        "ConflictList",
        "ResolveConflict",
    ] {
        assert!(schemas[name].is_object(), "schema {name}");
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    assert!(!targets.is_empty());
    for target in targets {
        let name = target
            .strip_prefix("#/components/schemas/")
            .expect("a schema reference");
        assert!(schemas[name].is_object(), "{target} resolves");
    }
}

#[tokio::test]
async fn every_operation_documents_the_errors_it_can_answer_and_its_parameters_where_they_go() {
    let app = spawn_app().await;

    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();

    let mut operations = 0;
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let statuses = op["responses"].as_object().unwrap();
            let documents = |status: &str| statuses.contains_key(status);
            // A page of another site may not act with the user's cookie.
            if method != "get" && !documents("403") {
                wrong.push(format!("{method} {path}: no 403"));
            }
            let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
            for parameter in &parameters {
                let name = parameter["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                if (parameter["in"] == "path") != in_path {
                    wrong.push(format!("{method} {path}: {name} is in {}", parameter["in"]));
                }
            }
            // A query the server cannot read is refused with a reason.
            let takes_input =
                parameters.iter().any(|p| p["in"] == "query") || op.get("requestBody").is_some();
            if takes_input && !documents("422") {
                wrong.push(format!("{method} {path}: no 422"));
            }
        }
    }
    assert_eq!(wrong, Vec::<String>::new());
    assert!(operations > 40, "{operations} operations");
    // A closed list is documented as its codes, as they cross the wire.
    let level = &doc["components"]["schemas"]["Level"];
    assert_eq!(
        level["enum"],
        serde_json::json!(["city", "county", "township", "area", "grid", "building"]),
        "{level}"
    );
    // A database out of reach or out of space is a 503 with a wait.
    let unavailable = &doc["paths"]["/api/v1/submissions"]["post"]["responses"]["503"];
    assert!(
        unavailable["headers"]["Retry-After"].is_object(),
        "{unavailable}"
    );
    let round = &doc["components"]["schemas"]["Round"];
    assert_eq!(round["pattern"], "^[0-9]{4}Q[1-4]$");
}
