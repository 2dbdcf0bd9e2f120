//! `spawn_app()`: a running Tanpu on a free port with its own database.

use reqwest::Client;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::net::SocketAddr;
use std::path::Path;
use tanpu_server::config::{Config, DatabaseArgs, Mode, Secret};
use tanpu_server::routes::AppState;
use tempfile::TempDir;

/// A server under test.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// A client without a cookie jar or redirects.
    pub client: Client,
    /// The same pool the server uses, for assertions and set-up through services.
    pub db: DatabaseConnection,
    /// The web app folder it serves (empty unless a test writes files).
    pub dist: TempDir,
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
    let database = TestDatabase::create().await;
    let db = tanpu_server::db::connect_and_migrate(&database.args())
        .await
        .expect("cannot migrate the test database");
    let dist = tempfile::tempdir().expect("temp dir");
    let config = Config::resolve(
        tanpu_server::config::ServeArgs {
            bind: "127.0.0.1:0".parse().unwrap(),
            dist: dist.path().to_path_buf(),
            jwt_secret: Some(Secret::new("t".repeat(32))),
            mode: Mode::Production,
        },
        None,
    )
    .expect("test config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(db.clone(), config);
    tokio::spawn(async move {
        tanpu_server::http::serve(listener, state, std::future::pending())
            .await
            .expect("server failed");
    });
    TestApp {
        addr,
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        dist,
        _database: database,
    }
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
