//! The OpenAPI document and its browsable page.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;

async fn document() -> Value {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_describes_every_route_with_its_errors() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    // A sample from each group; `routes!` makes the rest impossible to miss.
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/me/summary", "get"),
        ("/api/v1/me", "delete"),
        ("/api/v1/rewards/{id}/redeem", "post"),
        ("/api/v1/partner/actions/batch", "post"),
        ("/api/v1/public/rules/preview", "post"),
        (
            "/api/v1/admin/rules/{rule_id}/versions/{version_id}/simulate",
            "post",
        ),
        ("/api/v1/admin/partners/{id}/imports", "post"),
        ("/healthz", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"]["default"].is_object(), "{method} {path}");
        assert!(op["responses"]["503"].is_object(), "{method} {path}");
        assert_eq!(
            op["responses"]["408"].is_object(),
            op["requestBody"].is_object(),
            "{method} {path}: 408 where a body is sent"
        );
    }
    assert_eq!(paths.len(), 62, "documented paths");
    // Secured operations name their scheme and their 401.
    let summary = &paths["/api/v1/me/summary"]["get"];
    assert_eq!(summary["security"][0]["bearer"], serde_json::json!([]));
    assert!(summary["responses"]["401"].is_object());
    let batch = &paths["/api/v1/partner/actions/batch"]["post"];
    assert!(batch["security"][0]["partner_signature"].is_array());
    assert_eq!(
        batch["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/PartnerBatch"
    );
    let records = &doc["components"]["schemas"]["PartnerBatch"]["properties"]["records"];
    assert_eq!(
        records["items"]["$ref"],
        "#/components/schemas/PartnerRecord"
    );
    assert_eq!(records["maxItems"], 1000);
    // Summaries say what a route does; the route itself is shown beside it.
    assert_eq!(
        paths["/api/v1/me/export"]["get"]["summary"],
        "Everything held about me, as a JSON file."
    );
    // The public routes need no sign-in.
    assert!(paths["/api/v1/public/rules"]["get"]["security"].is_null());
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["partner_signature"]["name"], "webhook-signature");
    // Request types refuse unknown fields, and the schema says so.
    assert_eq!(
        doc["components"]["schemas"]["LoginRequest"]["additionalProperties"],
        false
    );
}

#[tokio::test]
async fn the_worked_signature_example_is_the_one_the_tests_verify() {
    let doc = document().await;
    let guide = doc["info"]["description"].as_str().unwrap();
    let fixture: Value =
        serde_json::from_str(include_str!("../data/webhook_signatures.json")).unwrap();
    let valid = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "valid" && c["ok"] == true)
        .unwrap();
    for field in ["id", "timestamp", "body", "signature"] {
        let value = valid[field].as_str().unwrap();
        assert!(
            guide.contains(value),
            "the guide lacks the example's {field}"
        );
    }
    assert!(guide.contains(fixture["secret"].as_str().unwrap()));
}

#[tokio::test]
async fn the_docs_page_works_offline_under_its_own_policy() {
    let app = spawn_app().await;
    let page = app.get("/api/v1/docs/").await;
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN"
    );
    // Its files are ours, and the initializer points at our document.
    for file in ["swagger-ui.css", "swagger-ui-bundle.js"] {
        let res = app.get(&format!("/api/v1/docs/{file}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{file}");
    }
    let init = app.get("/api/v1/docs/swagger-initializer.js").await;
    assert!(init.text().await.unwrap().contains("/api/v1/openapi.json"));
}
