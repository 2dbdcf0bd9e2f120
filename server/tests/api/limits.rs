//! Abuse limits on sign-in and registration: 429 with Retry-After.
//!
//! Windows are aligned to the clock, so a burst may straddle two windows;
//! sending 2 × limit + 1 attempts guarantees one window overflows.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Sends attempts until the first 429 and returns its index and response.
async fn first_refusal(
    mut attempt: impl AsyncFnMut(usize) -> reqwest::Response,
    max_attempts: usize,
) -> (usize, reqwest::Response) {
    for i in 0..max_attempts {
        let res = attempt(i).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            return (i, res);
        }
        assert_ne!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    panic!("no 429 within {max_attempts} attempts");
}

async fn assert_limited(res: reqwest::Response, window_secs: u64) {
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=window_secs).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn guessing_one_accounts_password_is_cut_off() {
    let app = spawn_app().await;
    app.register("13800001111", "green-commute-2026").await;
    let (index, res) = first_refusal(
        async |_| {
            app.post_json(
                "/api/v1/auth/login",
                &json!({"login": "13800001111", "password": "guess-guess"}),
            )
            .await
        },
        21,
    )
    .await;
    assert!(
        index >= 10,
        "the first 10 attempts of a window are allowed (refused at {index})"
    );
    assert_limited(res, 15 * 60).await;

    // While limited, even the right password is refused: guessing stops.
    let right = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"login": "13800001111", "password": "green-commute-2026"}),
        )
        .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_spraying_many_accounts_is_cut_off() {
    let app = spawn_app().await;
    let (index, res) = first_refusal(
        async |i| {
            app.post_json(
                "/api/v1/auth/login",
                &json!({"login": format!("1380000{i:04}"), "password": "guess-guess"}),
            )
            .await
        },
        41,
    )
    .await;
    assert!(index >= 20, "refused at {index}");
    assert_limited(res, 60).await;
}

#[tokio::test]
async fn mass_registration_from_one_address_is_cut_off() {
    let app = spawn_app().await;
    let (index, res) = first_refusal(
        async |i| {
            app.post_json(
                "/api/v1/auth/register",
                &json!({"login": format!("1390000{i:04}"), "password": "green-commute-2026",
                        "nickname": "n", "consent": true}),
            )
            .await
        },
        61,
    )
    .await;
    assert!(index >= 30, "refused at {index}");
    assert_limited(res, 60 * 60).await;
}
