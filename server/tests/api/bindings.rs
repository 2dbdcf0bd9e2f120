//! Binding cards and plates: masked, unique across the city, limited, and
//! never reachable by another citizen.

use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn bindings_are_stored_normalised_and_shown_masked() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    for (kind, value) in [
        ("transit_card", "3100 1234 5678 9012"),
        ("plate", "鲁p·12345"),
    ] {
        let res = app
            .authed(Method::POST, "/api/v1/me/bindings", &citizen)
            .json(&json!({"type": kind, "value": value}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "{kind}");
    }
    let list: Value = app
        .authed(Method::GET, "/api/v1/me/bindings", &citizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The full number never leaves the server: no value shows its hidden
    // digits. (Not a search of the whole text: a timestamp's fractions of
    // a second may hold any four digits.)
    for binding in list["bindings"].as_array().unwrap() {
        let fields = binding.as_object().unwrap();
        for (name, value) in fields {
            if name == "created_at" {
                let at = value.as_str().unwrap();
                assert!(
                    chrono::DateTime::parse_from_rfc3339(at).is_ok(),
                    "created_at is a timestamp, nothing else: {at}"
                );
                continue;
            }
            let shown = value.to_string();
            // The card's first twelve digits, the plate's middle three.
            for hidden in ["3100", "1234", "5678", "123"] {
                assert!(
                    !shown.contains(hidden),
                    "{name} shows hidden digits {hidden}: {binding}"
                );
            }
        }
    }
    let masked: Vec<_> = list["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["masked"].clone())
        .collect();
    assert_eq!(masked, vec![json!("•••• 9012"), json!("鲁P·***45")]);
}

#[tokio::test]
async fn a_subject_bound_by_another_citizen_is_a_conflict_not_a_steal() {
    let app = spawn_app().await;
    let owner = app.citizen("13800001111").await;
    let other = app.citizen("13800002222").await;
    let bind = |session, value: &'static str| {
        app.authed(Method::POST, "/api/v1/me/bindings", session)
            .json(&json!({"type": "plate", "value": value}))
            .send()
    };
    assert_eq!(
        bind(&owner, "鲁P·12345").await.unwrap().status(),
        StatusCode::CREATED
    );

    let stolen = bind(&other, "鲁p 12345").await.unwrap();
    assert_eq!(stolen.status(), StatusCode::CONFLICT);
    let body: Value = stolen.json().await.unwrap();
    assert_eq!(
        body["error"]["details"]["reason"],
        "bound_to_another_citizen"
    );

    let twice = bind(&owner, "鲁P12345").await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    let body: Value = twice.json().await.unwrap();
    assert_eq!(body["error"]["details"]["reason"], "already_bound");
}

#[tokio::test]
async fn each_citizen_has_a_limit_per_kind() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    for n in 0..3 {
        let res = app
            .authed(Method::POST, "/api/v1/me/bindings", &citizen)
            .json(&json!({"type": "transit_card", "value": format!("3100000000000{n}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let fourth = app
        .authed(Method::POST, "/api/v1/me/bindings", &citizen)
        .json(&json!({"type": "transit_card", "value": "31000000000009"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fourth.status(), StatusCode::CONFLICT);
    let body: Value = fourth.json().await.unwrap();
    assert_eq!(
        body["error"]["details"],
        json!({"field": "type", "reason": "limit_reached"})
    );
}

#[tokio::test]
async fn malformed_subjects_are_refused_by_field() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    for (kind, value, reason) in [
        ("plate", "ABC123", "not_a_plate"),
        ("fuel_card", "12-34", "not_a_card_number"),
        ("transit_card", "  ", "required"),
    ] {
        let res = app
            .authed(Method::POST, "/api/v1/me/bindings", &citizen)
            .json(&json!({"type": kind, "value": value}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{value}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["error"]["details"],
            json!({"field": "value", "reason": reason})
        );
    }
}

#[tokio::test]
async fn unbinding_keeps_history_and_frees_the_subject() {
    let app = spawn_app().await;
    let owner = app.citizen("13800001111").await;
    let next = app.citizen("13800002222").await;
    let created: Value = app
        .authed(Method::POST, "/api/v1/me/bindings", &owner)
        .json(&json!({"type": "fuel_card", "value": "9001 0002 0003 0004"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/me/bindings/{}", created["id"]);
    let removed = app
        .authed(Method::DELETE, &path, &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let again = app
        .authed(Method::DELETE, &path, &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    let list: Value = app
        .authed(Method::GET, "/api/v1/me/bindings", &owner)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["bindings"], json!([]));

    let rebound = app
        .authed(Method::POST, "/api/v1/me/bindings", &next)
        .json(&json!({"type": "fuel_card", "value": "9001000200030004"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::CREATED);
}

/// Every route that takes an id, tried by a citizen who does not own it:
/// the answer is 404 (never revealing that the id exists) and nothing changes.
#[tokio::test]
async fn no_citizen_can_touch_another_citizens_things() {
    let app = spawn_app().await;
    let owner = app.citizen("13800001111").await;
    let intruder = app.citizen("13800002222").await;
    let created: Value = app
        .authed(Method::POST, "/api/v1/me/bindings", &owner)
        .json(&json!({"type": "plate", "value": "鲁P·D12345"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();

    let table: [(Method, String, Option<Value>, StatusCode); 2] = [
        (
            Method::DELETE,
            format!("/api/v1/me/bindings/{id}"),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            format!("/api/v1/admin/users/{}/role", owner.user_id),
            Some(json!({"role": "citizen"})),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (method, path, body, expected) in table {
        let mut req = app.authed(method.clone(), &path, &intruder);
        if let Some(body) = body {
            req = req.json(&body);
        }
        assert_eq!(
            req.send().await.unwrap().status(),
            expected,
            "{method} {path}"
        );
    }

    let mine: Value = app
        .authed(Method::GET, "/api/v1/me/bindings", &owner)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["bindings"].as_array().unwrap().len(),
        1,
        "the owner's binding is intact"
    );
    let theirs: Value = app
        .authed(Method::GET, "/api/v1/me/bindings", &intruder)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["bindings"], json!([]));
}
