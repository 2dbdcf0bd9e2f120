//! Partners and their signed requests, end to end over HTTP.

use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn an_admin_creates_a_partner_whose_signed_requests_are_recognised() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bus = app.partner(&admin, "聊城公交集团", &["bus_ride"]).await;
    assert!(bus.secret.starts_with("whsec_"));

    let res = app
        .signed(Method::GET, "/api/v1/partner/me", &bus, "")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me, json!({"partner_id": bus.id, "kinds": ["bus_ride"]}));

    let list: Value = app
        .authed(Method::GET, "/api/v1/admin/partners", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["partners"][0]["name"], "聊城公交集团");
    assert_eq!(list["partners"][0]["active_secrets"], 1);
    assert!(
        !list.to_string().contains(&bus.secret),
        "the secret is shown once only"
    );
}

#[tokio::test]
async fn unsigned_forged_stale_and_replayed_requests_get_401() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bus = app.partner(&admin, "聊城公交集团", &["bus_ride"]).await;
    let now = chrono::Utc::now().timestamp();
    let expect_401 = async |req: reqwest::RequestBuilder, what: &str| {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{what}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized", "{what}");
    };

    expect_401(app.client.get(app.url("/api/v1/partner/me")), "unsigned").await;
    let forged = crate::helpers::PartnerCreds {
        id: bus.id,
        secret: "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into(),
    };
    expect_401(
        app.signed(Method::GET, "/api/v1/partner/me", &forged, ""),
        "wrong secret",
    )
    .await;
    let other_partner = crate::helpers::PartnerCreds {
        id: bus.id + 1,
        secret: bus.secret.clone(),
    };
    expect_401(
        app.signed(Method::GET, "/api/v1/partner/me", &other_partner, ""),
        "unknown partner",
    )
    .await;
    expect_401(
        app.signed_at(
            Method::GET,
            "/api/v1/partner/me",
            &bus,
            "",
            "msg_old",
            now - 301,
        ),
        "stale",
    )
    .await;
    expect_401(
        app.signed_at(
            Method::GET,
            "/api/v1/partner/me",
            &bus,
            "",
            "msg_future",
            // Read the clock again: the set-up above can take seconds on a
            // busy machine, which brought `now + 301` back within tolerance.
            chrono::Utc::now().timestamp() + 310,
        ),
        "future",
    )
    .await;

    let first = app
        .signed_at(Method::GET, "/api/v1/partner/me", &bus, "", "msg_once", now)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    expect_401(
        app.signed_at(Method::GET, "/api/v1/partner/me", &bus, "", "msg_once", now),
        "replayed",
    )
    .await;
}

#[tokio::test]
async fn rotation_keeps_both_secrets_until_the_old_is_retired() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let old = app.partner(&admin, "中石化聊城", &["refuel_offpeak"]).await;
    let rotated: Value = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/partners/{}/rotate", old.id),
            &admin,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = crate::helpers::PartnerCreds {
        id: old.id,
        secret: rotated["secret"].as_str().unwrap().to_owned(),
    };
    assert_ne!(new.secret, old.secret);
    for creds in [&old, &new] {
        let res = app
            .signed(Method::GET, "/api/v1/partner/me", creds, "")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }

    let retired = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/partners/{}/retire-old-secrets", old.id),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(retired.status(), StatusCode::OK);
    let res = app
        .signed(Method::GET, "/api/v1/partner/me", &old, "")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .signed(Method::GET, "/api/v1/partner/me", &new, "")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_disabled_partner_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bus = app.partner(&admin, "聊城公交集团", &["bus_ride"]).await;
    let res = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/partners/{}/disable", bus.id),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .signed(Method::GET, "/api/v1/partner/me", &bus, "")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_admins_manage_partners_and_bad_definitions_are_refused() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    let admin = app.admin().await;
    let res = app
        .authed(Method::POST, "/api/v1/admin/partners", &citizen)
        .json(&json!({"name": "x", "kinds": ["bus_ride"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for (body, field) in [
        (json!({"name": " ", "kinds": ["bus_ride"]}), "name"),
        (json!({"name": "a", "kinds": []}), "kinds"),
        (json!({"name": "a", "kinds": ["Bus Ride"]}), "kinds"),
    ] {
        let res = app
            .authed(Method::POST, "/api/v1/admin/partners", &admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["error"]["details"]["field"], field);
    }
    app.partner(&admin, "聊城公交集团", &["bus_ride"]).await;
    let taken = app
        .authed(Method::POST, "/api/v1/admin/partners", &admin)
        .json(&json!({"name": "聊城公交集团", "kinds": ["bus_ride"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_command_line_creates_a_partner_that_can_sign() {
    let app = spawn_app().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tanpu"))
        .args([
            "partner",
            "create",
            "--name",
            "聊城地铁",
            "--kinds",
            "metro_ride,bus_ride",
            "--json",
        ])
        .env("TANPU_DATABASE_URL", &app.database_url)
        .env("TANPU_PARTNER_KEY", "p".repeat(32))
        .env("TANPU_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let creds = crate::helpers::PartnerCreds {
        id: created["partner_id"].as_i64().unwrap(),
        secret: created["secret"].as_str().unwrap().to_owned(),
    };
    let me: Value = app
        .signed(Method::GET, "/api/v1/partner/me", &creds, "")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["kinds"], json!(["metro_ride", "bus_ride"]));
}
