//! Sign-in, sessions, roles and freezing, through the HTTP API.

use crate::helpers::{
    assert_clears_session_cookies, clears, refresh_cookie, session_from, set_cookie,
    set_cookie_header, spawn_app,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tanpu_core::UserId;
use tanpu_core::web::SESSION_HINT_COOKIE;
use tanpu_server::services::accounts;

#[tokio::test]
async fn register_login_and_who_am_i() {
    let app = spawn_app().await;
    app.register("13800001111", "green-commute-2026").await;
    let session = app.login(" +86 138 0000 1111", "green-commute-2026").await;

    let res = app
        .authed(Method::GET, "/api/v1/me", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["login"], "13800001111");
    assert_eq!(me["role"], "citizen");
    assert_eq!(me["frozen"], false);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_answer_alike() {
    let app = spawn_app().await;
    app.register("13800001111", "green-commute-2026").await;
    let mut answers = Vec::new();
    for (login, password) in [
        ("13800001111", "not-the-password"),
        ("13800009999", "green-commute-2026"),
        ("not a login", "green-commute-2026"),
    ] {
        let res = app
            .post_json(
                "/api/v1/auth/login",
                &json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{login}");
        assert!(refresh_cookie(&res).is_none());
        answers.push(res.json::<Value>().await.unwrap());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0]["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn the_refresh_cookie_is_http_only_strict_and_scoped() {
    let app = spawn_app().await;
    app.register("13800001111", "green-commute-2026").await;
    let login = json!({"login": "13800001111", "password": "green-commute-2026"});

    let plain = app.post_json("/api/v1/auth/login", &login).await;
    let cookie = set_cookie_header(&plain).unwrap();
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
        "Max-Age=2592000",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing in {cookie}"
        );
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP cannot carry a Secure cookie"
    );

    let behind_tls = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-proto", "https")
        .json(&login)
        .send()
        .await
        .unwrap();
    assert!(set_cookie_header(&behind_tls).unwrap().contains("Secure"));
    assert!(
        set_cookie(&behind_tls, SESSION_HINT_COOKIE)
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn sign_in_sets_a_readable_session_hint_that_holds_nothing_secret() {
    let app = spawn_app().await;
    app.register("13800001111", "green-commute-2026").await;
    let login = json!({"login": "13800001111", "password": "green-commute-2026"});

    let res = app.post_json("/api/v1/auth/login", &login).await;
    let hint = set_cookie(&res, SESSION_HINT_COOKIE).expect("a session hint");
    assert!(hint.starts_with("tanpu_session=1;"), "{hint}");
    for attribute in ["SameSite=Strict", "Path=/", "Max-Age=2592000"] {
        assert!(hint.contains(attribute), "{attribute} missing in {hint}");
    }
    assert!(!hint.contains("HttpOnly"), "the page reads it: {hint}");
    assert!(!hint.contains("Path=/api"), "every page reads it: {hint}");

    // A refresh renews it with the refresh cookie.
    let session = session_from(res).await;
    let renewed = app.refresh(&session.refresh).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    assert!(!clears(&set_cookie(&renewed, SESSION_HINT_COOKIE).unwrap()));
}

#[tokio::test]
async fn a_refused_refresh_clears_the_refresh_cookie_and_the_hint() {
    let app = spawn_app().await;
    let session = app.citizen("13800001111").await;
    let rotated = session_from(app.refresh(&session.refresh).await).await;

    // A revoked token (here: reused after rotation, which ends the family).
    let refused = app.refresh(&session.refresh).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_clears_session_cookies(&refused);
    assert_eq!(
        app.refresh(&rotated.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // No refresh cookie at all, but a hint left behind.
    let bare = app
        .refresh_with_cookies(&format!("{SESSION_HINT_COOKIE}=1"))
        .await;
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    assert_clears_session_cookies(&bare);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = spawn_app().await;
    let first = app.citizen("13800001111").await;

    let res = app.refresh(&first.refresh).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = session_from(res).await;
    assert_ne!(second.refresh, first.refresh, "the token rotates");
    let me = app
        .authed(Method::GET, "/api/v1/me", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    // The old token again: theft. Both it and its successor stop working.
    assert_eq!(
        app.refresh(&first.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.refresh(&second.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A new login is a new family and works.
    let again = app.login("13800001111", "green-commute-2026").await;
    assert_eq!(app.refresh(&again.refresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_revokes_the_session_and_clears_the_cookie() {
    let app = spawn_app().await;
    let session = app.citizen("13800001111").await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", format!("tanpu_refresh={}", session.refresh))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_clears_session_cookies(&res);
    assert_eq!(
        app.refresh(&session.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh_without_cookie = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh_without_cookie.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let phone = app.citizen("13800001111").await;
    let laptop = app.login("13800001111", "green-commute-2026").await;

    let wrong = app
        .authed(Method::POST, "/api/v1/me/password", &laptop)
        .json(&json!({"current_password": "guess", "new_password": "bike-to-work-2027"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(
        body["error"]["details"],
        json!({"field": "current_password", "reason": "wrong_password"})
    );

    let res = app
        .authed(Method::POST, "/api/v1/me/password", &laptop)
        .json(
            &json!({"current_password": "green-commute-2026", "new_password": "bike-to-work-2027"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let renewed = session_from(res).await;

    assert_eq!(
        app.refresh(&phone.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.refresh(&laptop.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.refresh(&renewed.refresh).await.status(), StatusCode::OK);
    let old = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "13800001111", "password": "green-commute-2026"}),
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    app.login("13800001111", "bike-to-work-2027").await;
}

#[tokio::test]
async fn protected_routes_need_a_valid_bearer_token() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/me").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );

    let forged = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_admins_grant_roles_and_a_new_role_applies_at_once() {
    let app = spawn_app().await;
    let citizen = app.citizen("13800001111").await;
    let other = app.citizen("13800002222").await;
    let admin = app.admin().await;
    let path = format!("/api/v1/admin/users/{}/role", other.user_id);

    let refused = app
        .authed(Method::PUT, &path, &citizen)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let granted = app
        .authed(Method::PUT, &path, &admin)
        .json(&json!({"role": "reviewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), StatusCode::OK);
    // The token issued before the change already reflects it.
    let me: Value = app
        .authed(Method::GET, "/api/v1/me", &other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "reviewer");

    let unknown = app
        .authed(Method::PUT, "/api/v1/admin/users/999999/role", &admin)
        .json(&json!({"role": "reviewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let bad_role = app
        .authed(Method::PUT, &path, &admin)
        .json(&json!({"role": "root"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_role.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Demoting oneself could leave the city without an administrator.
    let own = app
        .authed(
            Method::PUT,
            &format!("/api/v1/admin/users/{}/role", admin.user_id),
            &admin,
        )
        .json(&json!({"role": "citizen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::CONFLICT);
    let body: Value = own.json().await.unwrap();
    assert_eq!(body["error"]["details"]["reason"], "own_account");
}

#[tokio::test]
async fn a_frozen_account_cannot_sign_in_or_use_its_tokens() {
    let app = spawn_app().await;
    let session = app.citizen("13800001111").await;
    accounts::set_frozen(
        &app.db,
        &app.citizens,
        UserId(session.user_id),
        Some("suspected card sharing".into()),
    )
    .await
    .unwrap();

    let me = app
        .authed(Method::GET, "/api/v1/me", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::FORBIDDEN);
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["error"]["code"], "account_frozen");

    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "13800001111", "password": "green-commute-2026"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.refresh(&session.refresh).await.status(),
        StatusCode::FORBIDDEN
    );

    accounts::set_frozen(&app.db, &app.citizens, UserId(session.user_id), None)
        .await
        .unwrap();
    app.login("13800001111", "green-commute-2026").await;
}

#[tokio::test]
async fn privileged_fields_in_request_bodies_are_refused() {
    let app = spawn_app().await;
    let session = app.citizen("13800001111").await;
    for (path, body) in [
        (
            "/api/v1/auth/register",
            json!({"login": "13800003333", "password": "green-commute-2026", "nickname": "n",
                   "consent": true, "balance": 1000000}),
        ),
        (
            "/api/v1/auth/login",
            json!({"login": "13800001111", "password": "green-commute-2026", "role": "admin"}),
        ),
        (
            "/api/v1/me/bindings",
            json!({"type": "plate", "value": "鲁P12345", "user_id": 1}),
        ),
    ] {
        let res = app
            .authed(Method::POST, path, &session)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
}

#[tokio::test]
async fn a_citizen_renames_themselves_within_the_rules() {
    let app = spawn_app().await;
    let session = app.citizen("13800001111").await;
    let res = app
        .authed(Method::PATCH, "/api/v1/me", &session)
        .json(&json!({"nickname": "  绿色通勤者  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["nickname"], "绿色通勤者");

    let empty = app
        .authed(Method::PATCH, "/api/v1/me", &session)
        .json(&json!({"nickname": "   "}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let role = app
        .authed(Method::PATCH, "/api/v1/me", &session)
        .json(&json!({"nickname": "x", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(role.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
