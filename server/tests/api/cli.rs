//! The `tanpu` binary's operator commands, run as an operator runs them.

use crate::helpers::spawn_app;
use std::io::Write;
use std::process::{Command, Stdio};

fn tanpu(database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tanpu"));
    cmd.env("TANPU_DATABASE_URL", database_url)
        .env("TANPU_LOG", "warn");
    cmd
}

#[tokio::test]
async fn admin_create_reads_the_password_from_stdin_and_the_admin_can_sign_in() {
    let app = spawn_app().await;
    let mut child = tanpu(&app.database_url)
        .args(["admin", "create", "--login", "chief@bureau.gov.cn"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"bureau-secret-2026\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("administrator chief@bureau.gov.cn created")
    );

    let admin = app.login("chief@bureau.gov.cn", "bureau-secret-2026").await;
    let me: serde_json::Value = app
        .authed(reqwest::Method::GET, "/api/v1/me", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin");

    // A second admin with the same login is refused with a clear message.
    let again = tanpu(&app.database_url)
        .args([
            "admin",
            "create",
            "--login",
            "chief@bureau.gov.cn",
            "--password",
            "another-secret-1",
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already registered"));
}

#[tokio::test]
async fn admin_create_refuses_a_weak_password_before_touching_the_database() {
    let app = spawn_app().await;
    let out = tanpu(&app.database_url)
        .args([
            "admin",
            "create",
            "--login",
            "chief@bureau.gov.cn",
            "--password",
            "12345678",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("too common"));
}

#[tokio::test]
async fn demo_seed_binds_cards_and_sends_a_month_of_partner_traffic() {
    let app = spawn_app().await;
    let out = tanpu(&app.database_url)
        .args(["demo", "seed"])
        .env("TANPU_BINDING_KEY", "b".repeat(32))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("7 accounts created"), "{stdout}");
    assert!(stdout.contains("admin@tanpu.demo"), "{stdout}");

    // The server uses the same key ("b" × 32 in tests): the card resolves.
    let card = tanpu_core::binding::Subject::parse(
        tanpu_core::binding::SubjectType::TransitCard,
        "3100000000000001",
    )
    .unwrap();
    let key = tanpu_server::config::Secret::new("b".repeat(32));
    let holder = tanpu_server::services::bindings::resolve(&app.db, &key, &card)
        .await
        .unwrap();
    assert!(holder.is_some());

    // A month of partner traffic went through the real API: credits exist
    // and the ledger is intact.
    assert!(
        stdout.contains("demo traffic from 聊城公交集团:"),
        "{stdout}"
    );
    let stats: serde_json::Value = app.get("/api/v1/public/stats").await.json().await.unwrap();
    assert!(stats["co2e_g"].as_i64().unwrap() > 0, "{stats}");
    assert!(stats["points_issued"].as_i64().unwrap() > 0, "{stats}");
    let report = tanpu_server::services::ledger::verify::verify(&app.db)
        .await
        .unwrap();
    assert!(report.is_ok(), "{report}");
}
