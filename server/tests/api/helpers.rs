//! `spawn_app()`: a running Tanpu on a free port with its own database.

use reqwest::Client;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::net::SocketAddr;
use std::path::Path;
use tanpu_server::config::{
    Config, DatabaseArgs, Mode, PartnerLimitArgs, Secret, ServeArgs, StoredSecrets, TimeoutArgs,
};
use tanpu_server::routes::AppState;
use tanpu_server::services::citizen_cache::CitizenCache;
use tempfile::TempDir;

/// A server under test.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// A client without a cookie jar or redirects.
    pub client: Client,
    /// The same pool the server uses (a pool of its own with
    /// [`spawn_app_via`]), for assertions and set-up through services.
    pub db: DatabaseConnection,
    /// The web app folder it serves (empty unless a test writes files).
    pub dist: TempDir,
    /// The database URL, for running the `tanpu` binary against it.
    pub database_url: String,
    /// The server's memory of people's standing, for services that change
    /// it and must make it forget (as the handlers pass theirs).
    pub citizens: CitizenCache,
    _database: TestDatabase,
}

impl TestApp {
    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request failed")
    }
}

/// Starts the application on 127.0.0.1:0 with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with its flags (limits, timeouts) changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
    spawn_app_via(configure, str::to_owned).await
}

/// [`spawn_app_with`] whose server connects to its database at
/// `server_url(test database URL)` — e.g. through a proxy the test can cut.
/// [`TestApp::db`] is then a pool of its own, straight to the database.
pub async fn spawn_app_via(
    configure: impl FnOnce(&mut ServeArgs),
    server_url: impl FnOnce(&str) -> String,
) -> TestApp {
    let database = TestDatabase::create().await;
    let db = tanpu_server::db::connect_and_migrate(&database.args())
        .await
        .expect("cannot migrate the test database");
    tanpu_server::services::rules::ensure_seeded(&db)
        .await
        .expect("cannot seed the rules");
    let dist = tempfile::tempdir().expect("temp dir");
    let direct_url = database.args().url;
    let server_db = match server_url(&direct_url) {
        url if url == direct_url => db.clone(),
        url => tanpu_server::db::connect(&DatabaseArgs { url })
            .await
            .expect("cannot connect the server to its database"),
    };
    let (addr, citizens) = serve(server_db, dist.path(), configure).await;
    TestApp {
        addr,
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        dist,
        database_url: direct_url,
        citizens,
        _database: database,
    }
}

/// Serves the app on `db` at a free port, with the test secrets and
/// limits as `configure` leaves them; the server's memory of people.
async fn serve(
    db: DatabaseConnection,
    dist: &Path,
    configure: impl FnOnce(&mut ServeArgs),
) -> (SocketAddr, CitizenCache) {
    let mut args = ServeArgs {
        bind: "127.0.0.1:0".parse().unwrap(),
        dist: dist.to_path_buf(),
        jwt_secret: Some(Secret::new("t".repeat(32))),
        binding_key: Some(Secret::new("b".repeat(32))),
        partner_key: Some(Secret::new("p".repeat(32))),
        mode: Mode::Production,
        login_limit_per_minute: 20,
        login_account_limit: 10,
        register_limit_per_hour: 30,
        preview_limit_per_minute: 30,
        trust_proxy: false,
        partner_limit: PartnerLimitArgs::default(),
        timeouts: TimeoutArgs::default(),
    };
    configure(&mut args);
    let config = Config::resolve(args, StoredSecrets::default()).expect("test config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(db, config).expect("app state");
    let citizens = state.citizens.clone();
    tokio::spawn(async move {
        tanpu_server::http::serve(listener, state, std::future::pending())
            .await
            .expect("server failed");
    });
    (addr, citizens)
}

/// A second server process's stand-in: the same app on the same database
/// through a pool of its own, in this process.
pub struct OtherServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its memory of people's standing.
    pub citizens: CitizenCache,
}

/// Why a test of several servers is skipped on SQLite.
pub const SEVERAL_SERVERS: &str = "only PostgreSQL runs several servers (DESIGN §8)";

impl TestApp {
    /// `true` (with a note naming `test` and `why`) when this app runs on
    /// SQLite, where a test of several servers or of listeners does not
    /// apply; the suite runs again on PostgreSQL.
    pub fn skips_on_sqlite(&self, test: &str, why: &str) -> bool {
        let sqlite = self.database_url.starts_with("sqlite:");
        if sqlite {
            eprintln!("note: {test} skipped: {why}; the suite runs again on PostgreSQL");
        }
        sqlite
    }

    /// Another server on this app's database, with a pool (and, on
    /// PostgreSQL, a listener) of its own, as a second process would have.
    pub async fn other_server(&self) -> OtherServer {
        let db = tanpu_server::db::connect(&DatabaseArgs {
            url: self.database_url.clone(),
        })
        .await
        .expect("cannot connect a second server");
        let (addr, citizens) = serve(db, self.dist.path(), |_| {}).await;
        OtherServer { addr, citizens }
    }
}

/// Ends every session on the test database but the caller's, as a restart,
/// a failover or `pg_terminate_backend` by an administrator does.
pub async fn end_sessions(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();
}

/// Writes a file into the app's dist folder.
pub fn write_dist_file(dist: &Path, name: &str, contents: &str) {
    std::fs::write(dist.join(name), contents).expect("write dist file");
}

/// A database that exists for one test.
enum TestDatabase {
    Sqlite(TempDir),
    Postgres { server: String, name: String },
}

impl TestDatabase {
    async fn create() -> Self {
        match std::env::var("TANPU_TEST_PG_URL") {
            Ok(server) if !server.is_empty() => {
                let server = server.trim_end_matches('/').to_owned();
                let name = format!("tanpu_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(format!("{server}/postgres"))
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "TANPU_TEST_PG_URL is set but PostgreSQL is unreachable at {server}: {e}"
                        )
                    });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("cannot create the test database");
                admin.close().await.ok();
                Self::Postgres { server, name }
            }
            _ => Self::Sqlite(tempfile::tempdir().expect("temp dir")),
        }
    }

    fn args(&self) -> DatabaseArgs {
        let url = match self {
            Self::Sqlite(dir) => format!("sqlite://{}", dir.path().join("tanpu.db").display()),
            Self::Postgres { server, name } => format!("{server}/{name}"),
        };
        DatabaseArgs { url }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Self::Postgres { server, name } = self else {
            return;
        };
        let (server, name) = (server.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on;
        // a thread of its own with its own runtime can.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let admin = Database::connect(format!("{server}/postgres")).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop test database {}", self.args().url);
        }
    }
}

/// A signed-in person in a test.
pub struct Session {
    /// The bearer token.
    pub access_token: String,
    /// The refresh cookie's value.
    pub refresh: String,
    /// The user id.
    pub user_id: i64,
}

impl TestApp {
    /// Registers a citizen through the API; panics unless it succeeds.
    pub async fn register(&self, login: &str, password: &str) -> serde_json::Value {
        let res = self
            .post_json(
                "/api/v1/auth/register",
                &serde_json::json!({
                    "login": login, "password": password,
                    "nickname": "测试市民", "consent": true,
                }),
            )
            .await;
        assert_eq!(
            res.status(),
            reqwest::StatusCode::CREATED,
            "registering {login}"
        );
        res.json().await.unwrap()
    }

    /// Logs in through the API; panics unless it succeeds.
    pub async fn login(&self, login: &str, password: &str) -> Session {
        let res = self
            .post_json(
                "/api/v1/auth/login",
                &serde_json::json!({ "login": login, "password": password }),
            )
            .await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "logging in {login}");
        session_from(res).await
    }

    /// Registers and logs in a citizen.
    pub async fn citizen(&self, login: &str) -> Session {
        self.register(login, "green-commute-2026").await;
        self.login(login, "green-commute-2026").await
    }

    /// Creates an administrator through the service and logs them in.
    pub async fn admin(&self) -> Session {
        tanpu_server::services::accounts::create_user(
            &self.db,
            tanpu_server::services::accounts::NewUser {
                login: tanpu_core::account::Login::parse("admin@test.cn").unwrap(),
                nickname: "管理员".into(),
                password: "admin-secret-2026".into(),
                role: tanpu_core::account::Role::Admin,
            },
        )
        .await
        .unwrap();
        self.login("admin@test.cn", "admin-secret-2026").await
    }

    /// A request with the session's bearer token.
    pub fn authed(
        &self,
        method: reqwest::Method,
        path: &str,
        session: &Session,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&session.access_token)
    }

    /// `POST /api/v1/auth/refresh` with a refresh cookie value.
    pub async fn refresh(&self, refresh: &str) -> reqwest::Response {
        self.refresh_with_cookies(&format!(
            "{}={refresh}",
            tanpu_server::routes::REFRESH_COOKIE
        ))
        .await
    }

    /// `POST /api/v1/auth/refresh` with a `Cookie` header as given.
    pub async fn refresh_with_cookies(&self, cookies: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/refresh"))
            .header("cookie", cookies)
            .send()
            .await
            .unwrap()
    }
}

/// The session in a login/refresh answer (body and cookie).
pub async fn session_from(res: reqwest::Response) -> Session {
    let refresh = refresh_cookie(&res).expect("a refresh cookie");
    let body: serde_json::Value = res.json().await.unwrap();
    Session {
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        refresh,
        user_id: body["user"]["id"].as_i64().unwrap(),
    }
}

/// The refresh cookie's value in a response's `Set-Cookie`, if any.
pub fn refresh_cookie(res: &reqwest::Response) -> Option<String> {
    set_cookie_header(res).and_then(|header| {
        header
            .split(';')
            .next()
            .and_then(|pair| pair.trim().split_once('='))
            .map(|(_, value)| value.to_owned())
    })
}

/// The whole `Set-Cookie` header for the refresh cookie.
pub fn set_cookie_header(res: &reqwest::Response) -> Option<String> {
    set_cookie(res, tanpu_server::routes::REFRESH_COOKIE)
}

/// The whole `Set-Cookie` header for the cookie named `name`.
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.split_once('=').is_some_and(|(n, _)| n == name))
        .map(str::to_owned)
}

/// Whether a `Set-Cookie` header removes its cookie.
pub fn clears(set_cookie: &str) -> bool {
    set_cookie.contains("Max-Age=0") || set_cookie.contains("Expires=Thu, 01 Jan 1970")
}

/// Asserts that a response removes both session cookies: the refresh
/// cookie and the session hint.
pub fn assert_clears_session_cookies(res: &reqwest::Response) {
    for name in [
        tanpu_server::routes::REFRESH_COOKIE,
        tanpu_core::web::SESSION_HINT_COOKIE,
    ] {
        let header = set_cookie(res, name).unwrap_or_else(|| panic!("no Set-Cookie for {name}"));
        assert!(clears(&header), "{header}");
    }
}

/// A migrated database without a server, for service-level tests (the
/// ledger's). Dropping it drops a PostgreSQL test database.
pub struct TestDb {
    /// A pool on it.
    pub db: DatabaseConnection,
    /// Its URL, for running the `tanpu` binary against it.
    pub url: String,
    _database: TestDatabase,
}

/// A fresh, migrated database (SQLite, or PostgreSQL with `TANPU_TEST_PG_URL`).
pub async fn test_db() -> TestDb {
    let database = TestDatabase::create().await;
    let args = database.args();
    let db = tanpu_server::db::connect_and_migrate(&args)
        .await
        .expect("cannot migrate the test database");
    TestDb {
        db,
        url: args.url,
        _database: database,
    }
}

/// A partner's credentials in a test, and signing as the partner would.
pub struct PartnerCreds {
    /// The id for the `tanpu-partner` header.
    pub id: i64,
    /// The `whsec_…` secret.
    pub secret: String,
}

impl TestApp {
    /// Creates a partner through the admin API.
    pub async fn partner(&self, admin: &Session, name: &str, kinds: &[&str]) -> PartnerCreds {
        let res = self
            .authed(reqwest::Method::POST, "/api/v1/admin/partners", admin)
            .json(&serde_json::json!({ "name": name, "kinds": kinds }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::CREATED);
        let body: serde_json::Value = res.json().await.unwrap();
        PartnerCreds {
            id: body["partner_id"].as_i64().unwrap(),
            secret: body["secret"].as_str().unwrap().to_owned(),
        }
    }

    /// A request signed with `secret` at `timestamp` under `msg_id`.
    pub fn signed_at(
        &self,
        method: reqwest::Method,
        path: &str,
        partner: &PartnerCreds,
        body: &str,
        msg_id: &str,
        timestamp: i64,
    ) -> reqwest::RequestBuilder {
        let key =
            tanpu_server::services::webhook::SigningKey::from_secret(&partner.secret).unwrap();
        self.client
            .request(method, self.url(path))
            .header("tanpu-partner", partner.id.to_string())
            .header("webhook-id", msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                key.sign(msg_id, timestamp, body.as_bytes()),
            )
            .header("content-type", "application/json")
            .body(body.to_owned())
    }

    /// A request signed now under a fresh id.
    pub fn signed(
        &self,
        method: reqwest::Method,
        path: &str,
        partner: &PartnerCreds,
        body: &str,
    ) -> reqwest::RequestBuilder {
        let msg_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        self.signed_at(
            method,
            path,
            partner,
            body,
            &msg_id,
            chrono::Utc::now().timestamp(),
        )
    }
}

// ---------------------------------------------------------------------------
// Real `tanpu serve` processes, for the tests that need more than one server
// or a server that can be killed (ledger_processes, ledger_crash).

/// The secrets every test server and test service call share.
pub const TEST_JWT_SECRET: &str = "tttttttttttttttttttttttttttttttt";
/// See [`TEST_JWT_SECRET`].
pub const TEST_BINDING_KEY: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
/// See [`TEST_JWT_SECRET`].
pub const TEST_PARTNER_KEY: &str = "pppppppppppppppppppppppppppppppp";

/// A port on 127.0.0.1 that was free a moment ago (the binary takes a fixed
/// port, so the test asks the OS for one and releases it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A `tanpu serve` child process; killed when dropped, so a failing test
/// never leaves one behind.
pub struct ServeProcess {
    /// Where it listens.
    pub addr: SocketAddr,
    child: std::process::Child,
    _dist: TempDir,
}

impl ServeProcess {
    /// Starts `tanpu serve` on `database_url` and a free port with the test
    /// secrets, and waits until `/readyz` answers 200 (at most 30 s).
    pub async fn start(database_url: &str) -> Self {
        let dist = tempfile::tempdir().expect("temp dir");
        for _ in 0..5 {
            let port = free_port();
            let addr: SocketAddr = ([127, 0, 0, 1], port).into();
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tanpu"))
                .arg("serve")
                .env("TANPU_DATABASE_URL", database_url)
                .env("TANPU_BIND", addr.to_string())
                .env("TANPU_DIST", dist.path())
                .env("TANPU_MODE", "production")
                .env("TANPU_JWT_SECRET", TEST_JWT_SECRET)
                .env("TANPU_BINDING_KEY", TEST_BINDING_KEY)
                .env("TANPU_PARTNER_KEY", TEST_PARTNER_KEY)
                .env("TANPU_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("cannot start tanpu serve");
            let client = Client::new();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(status)) = child.try_wait() {
                    // Most likely the port was taken in between: try another.
                    eprintln!("tanpu serve on {addr} exited early ({status}); retrying");
                    break;
                }
                let ready = client.get(format!("http://{addr}/readyz")).send().await;
                if ready.is_ok_and(|r| r.status().is_success()) {
                    return Self {
                        addr,
                        child,
                        _dist: dist,
                    };
                }
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("tanpu serve did not become ready on {database_url}");
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Kills the process with SIGKILL (`Child::kill` on Unix) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A partner request to `url`, signed now under a fresh id, as a partner
/// system would send it.
pub fn signed_request(
    client: &Client,
    method: reqwest::Method,
    url: &str,
    partner: &PartnerCreds,
    body: &str,
) -> reqwest::RequestBuilder {
    let key = tanpu_server::services::webhook::SigningKey::from_secret(&partner.secret).unwrap();
    let msg_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let timestamp = chrono::Utc::now().timestamp();
    client
        .request(method, url)
        .header("tanpu-partner", partner.id.to_string())
        .header("webhook-id", &msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            key.sign(&msg_id, timestamp, body.as_bytes()),
        )
        .header("content-type", "application/json")
        .body(body.to_owned())
}

/// Creates a partner through the service (with [`TEST_PARTNER_KEY`]).
pub async fn create_partner(db: &DatabaseConnection, name: &str, kinds: &[&str]) -> PartnerCreds {
    let (_, secret) = tanpu_server::services::partners::create(
        db,
        &Secret::new(TEST_PARTNER_KEY.to_owned()),
        None,
        tanpu_core::api::CreatePartnerRequest {
            name: name.to_owned(),
            kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        },
    )
    .await
    .expect("cannot create the partner");
    PartnerCreds {
        id: secret.partner_id.0,
        secret: secret.secret,
    }
}

/// A citizen made without the API (no password hashing: nobody signs in as
/// them; tests that need their requests mint a token with
/// [`TEST_JWT_SECRET`]), with `card` bound as their transit card (under
/// [`TEST_BINDING_KEY`]). Returns the user id.
pub async fn bound_citizen(db: &DatabaseConnection, login: &str, card: &str) -> i64 {
    use sea_orm::{ActiveModelTrait, Set};
    let now = chrono::Utc::now();
    let user = tanpu_server::entities::users::ActiveModel {
        login: Set(login.to_owned()),
        nickname: Set("测试市民".to_owned()),
        password_hash: Set("!".to_owned()),
        role: Set("citizen".to_owned()),
        consent_version: Set("test".to_owned()),
        consent_at: Set(now),
        frozen_at: Set(None),
        frozen_reason: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("cannot create the citizen");
    tanpu_server::services::bindings::add(
        db,
        &Secret::new(TEST_BINDING_KEY.to_owned()),
        tanpu_core::UserId(user.id),
        tanpu_core::api::BindingRequest {
            kind: tanpu_core::binding::SubjectType::TransitCard,
            value: card.to_owned(),
        },
    )
    .await
    .expect("cannot bind the card");
    user.id
}

/// A bus ride record of `km` that started `minutes_ago` minutes ago and
/// lasted 20 minutes, in city time.
pub fn bus_ride_record(
    external_id: &str,
    card: &str,
    km: &str,
    minutes_ago: i64,
) -> serde_json::Value {
    let city = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let start = (chrono::Utc::now() - chrono::Duration::minutes(minutes_ago)).with_timezone(&city);
    let end = start + chrono::Duration::minutes(20);
    serde_json::json!({
        "external_id": external_id,
        "kind": "bus_ride",
        "subject": {"type": "transit_card", "value": card},
        "started_at": start.to_rfc3339(),
        "ended_at": end.to_rfc3339(),
        "quantity": serde_json::from_str::<serde_json::Value>(km).unwrap(),
        "unit": "km",
        "attributes": {"route": "K5"}
    })
}

/// Checks the ledger against the stored actions after concurrent or
/// interrupted ingestion: `verify` passes; every accepted action with
/// points has exactly one `green_action` transfer of its points to its
/// citizen, named by the action's `transfer_id`; no other transfer credits
/// an action; every citizen's balance is what their accepted actions earned
/// minus `spent[user]`. Returns the number of accepted actions.
pub async fn assert_ledger_matches_actions(
    db: &DatabaseConnection,
    spent: &std::collections::HashMap<i64, i64>,
) -> usize {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use std::collections::HashMap;
    use tanpu_server::entities::{actions, ledger_accounts, ledger_transfers};

    let report = tanpu_server::services::ledger::verify::verify(db)
        .await
        .unwrap();
    assert!(report.is_ok(), "{report}");

    let actions = actions::Entity::find().all(db).await.unwrap();
    let credits = ledger_transfers::Entity::find()
        .filter(ledger_transfers::Column::ObjectKind.eq("action"))
        .all(db)
        .await
        .unwrap();
    let citizen_accounts: HashMap<i64, (i64, i64)> = ledger_accounts::Entity::find()
        .filter(ledger_accounts::Column::Kind.eq("citizen"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|a| Some((a.user_id?, (a.id, a.balance))))
        .collect();
    let mut by_action: HashMap<i64, Vec<&ledger_transfers::Model>> = HashMap::new();
    for t in &credits {
        let id: i64 = t.object_id.as_deref().unwrap().parse().unwrap();
        by_action.entry(id).or_default().push(t);
    }
    let mut earned: HashMap<i64, i64> = HashMap::new();
    let mut accepted = 0;
    for a in &actions {
        let transfers = by_action.remove(&a.id).unwrap_or_default();
        if a.status == "accepted" && a.points > 0 {
            accepted += 1;
            let user = a.user_id.expect("an accepted action has a citizen");
            assert_eq!(transfers.len(), 1, "action {} credited once", a.external_id);
            let t = transfers[0];
            assert_eq!(t.amount, a.points, "action {}", a.external_id);
            assert_eq!(t.reason, "green_action");
            assert_eq!(t.credit_account_id, citizen_accounts[&user].0);
            assert_eq!(a.transfer_id, Some(t.id), "action {}", a.external_id);
            *earned.entry(user).or_default() += a.points;
        } else {
            assert!(
                transfers.is_empty(),
                "action {} ({}) was credited",
                a.external_id,
                a.status
            );
        }
    }
    assert!(
        by_action.is_empty(),
        "transfers credit actions that do not exist: {by_action:?}"
    );
    for (user, (_, balance)) in &citizen_accounts {
        let expected =
            earned.get(user).copied().unwrap_or(0) - spent.get(user).copied().unwrap_or(0);
        assert_eq!(*balance, expected, "balance of citizen {user}");
    }
    accepted
}

/// An access token for `user`, minted with the tests' key rather than
/// signed in for (a sign-in hashes a password, which takes longer in a debug
/// build than the short timeouts some tests set).
pub fn minted_token(user: i64) -> String {
    tanpu_server::services::tokens::AccessTokens::new(&tanpu_server::config::Secret::new(
        TEST_JWT_SECRET.to_owned(),
    ))
    .unwrap()
    .issue(tanpu_core::UserId(user), chrono::Utc::now())
    .unwrap()
    .0
}

/// An administrator created straight in the database; their id.
pub async fn create_admin(db: &DatabaseConnection) -> i64 {
    tanpu_server::services::accounts::create_user(
        db,
        tanpu_server::services::accounts::NewUser {
            login: tanpu_core::account::Login::parse("admin@test.cn").unwrap(),
            nickname: "管理员".into(),
            password: "admin-secret-2026".into(),
            role: tanpu_core::account::Role::Admin,
        },
    )
    .await
    .unwrap()
    .id
    .0
}

/// Sends attempts until the first 429 and returns its index and response.
pub async fn first_refusal(
    mut attempt: impl AsyncFnMut(usize) -> reqwest::Response,
    max_attempts: usize,
) -> (usize, reqwest::Response) {
    for i in 0..max_attempts {
        let res = attempt(i).await;
        if res.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return (i, res);
        }
        assert_ne!(res.status(), reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    }
    panic!("no 429 within {max_attempts} attempts");
}
