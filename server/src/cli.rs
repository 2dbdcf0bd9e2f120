//! The `tanpu` command line: one binary for running the server and for the
//! operator's chores. Every command that touches the database takes the same
//! `--database-url` / `TANPU_DATABASE_URL`.

use crate::config::{Config, DatabaseArgs, Secret, ServeArgs, StoredSecrets};
use crate::routes::AppState;
use crate::services::accounts::NewUser;
use crate::{db, demo, http, services, telemetry};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use tanpu_core::account::{self, Login, Role};
use tanpu_migrations::{Migrator, MigratorTrait};

/// Tanpu: personal carbon accounts for a city.
#[derive(Parser, Debug)]
#[command(name = "tanpu", version, about)]
pub struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Log filter, e.g. `info` or `tanpu_server=debug,tower_http=info`.
    #[arg(long, env = "TANPU_LOG", default_value = "info", global = true)]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve(ServeArgs),
    /// Apply, roll back or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Demo data.
    Demo {
        #[command(subcommand)]
        action: DemoAction,
    },
    /// Administrators.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Partner systems and their signing secrets.
    Partner {
        /// The partner master key `tanpu serve` uses; without it, the one
        /// demo mode generated and keeps in the database.
        #[arg(long, env = "TANPU_PARTNER_KEY", hide_env_values = true, global = true)]
        partner_key: Option<Secret>,
        #[command(subcommand)]
        action: PartnerAction,
    },
    /// The ledger of credits.
    Ledger {
        #[command(subcommand)]
        action: LedgerAction,
    },
    /// Benchmarks on scratch databases they create and delete (never the
    /// configured one); prints machine, settings, figures, targets, verdicts.
    Bench {
        #[command(flatten)]
        options: crate::bench::BenchOptions,
        #[command(subcommand)]
        which: crate::bench::BenchCommand,
    },
}

#[derive(Subcommand, Debug)]
enum PartnerAction {
    /// Create a partner and print its first secret (shown once).
    Create {
        /// Unique display name.
        #[arg(long)]
        name: String,
        /// Action kinds it may report, comma-separated (e.g. bus_ride,metro_ride).
        #[arg(long, value_delimiter = ',', required = true)]
        kinds: Vec<String>,
        /// Print `{"partner_id", "secret"}` instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Issue an additional secret; the old one stays valid until retired.
    Rotate {
        /// The partner id.
        #[arg(long)]
        id: i64,
        /// Print `{"partner_id", "secret"}` instead of text.
        #[arg(long)]
        json: bool,
        /// Retire every older secret at once (no overlap).
        #[arg(long)]
        retire_old: bool,
    },
    /// Send simulated traffic for the demo city (its three partners) to a
    /// running server, signed, through the real API.
    Simulate {
        /// The server.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// Days back from today (at most 28).
        #[arg(long, default_value_t = 28)]
        days: u32,
        /// Share of bad records (0 – 0.5).
        #[arg(long, default_value_t = 0.1)]
        bad_share: f64,
        /// Seed of the generator (the same seed and day give the same records).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Refuse the partner's requests from now on.
    Disable {
        /// The partner id.
        #[arg(long)]
        id: i64,
    },
    /// List partners.
    List,
}

#[derive(Subcommand, Debug)]
enum LedgerAction {
    /// Check that the ledger is intact: every entry's hash chain, every
    /// balance against its entries, every transfer balanced, the sum zero.
    /// Exits non-zero when anything is off.
    Verify,
}

#[derive(Subcommand, Debug)]
enum AdminAction {
    /// Create an administrator (the first one, typically).
    Create {
        /// Mobile number or e-mail address to sign in with.
        #[arg(long)]
        login: String,
        /// The password; when omitted it is read from standard input (one
        /// line), which keeps it out of the shell history.
        #[arg(long)]
        password: Option<String>,
        /// The name shown in the console.
        #[arg(long, default_value = "管理员")]
        nickname: String,
    },
}

#[derive(Subcommand, Debug)]
enum MigrateAction {
    /// Apply pending migrations (all, or `--steps N`).
    Up {
        /// How many to apply.
        #[arg(long)]
        steps: Option<u32>,
    },
    /// Roll back the last migration (or `--steps N`).
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Subcommand, Debug)]
enum DemoAction {
    /// Create the demo city (idempotent) and print its logins.
    Seed {
        /// The binding key `tanpu serve` will use; without it, the key that
        /// demo mode generates and keeps in the database.
        #[arg(long, env = "TANPU_BINDING_KEY", hide_env_values = true)]
        binding_key: Option<Secret>,
        /// The partner master key `tanpu serve` will use (likewise).
        #[arg(long, env = "TANPU_PARTNER_KEY", hide_env_values = true)]
        partner_key: Option<Secret>,
        /// Days of simulated partner traffic to send through the API (0 for
        /// none; at most 28, inside the claim window).
        #[arg(long, default_value_t = 28)]
        days: u32,
    },
}

/// Parses the command line, runs the command, and turns failure into a
/// message on stderr and exit code 1.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve(&cli.database, args).await,
        Command::Migrate { action } => migrate(&cli.database, action).await,
        Command::Demo {
            action:
                DemoAction::Seed {
                    binding_key,
                    partner_key,
                    days,
                },
        } => demo_seed(&cli.database, binding_key, partner_key, days).await,
        Command::Admin {
            action:
                AdminAction::Create {
                    login,
                    password,
                    nickname,
                },
        } => admin_create(&cli.database, &login, password, &nickname).await,
        Command::Ledger {
            action: LedgerAction::Verify,
        } => ledger_verify(&cli.database).await,
        Command::Partner {
            partner_key,
            action,
        } => partner(&cli.database, partner_key, action).await,
        Command::Bench { options, which } => crate::bench::run(&options, &which).await,
    }
}

async fn serve(database: &DatabaseArgs, args: ServeArgs) -> Result<(), String> {
    let db = db::connect_and_migrate(database)
        .await
        .map_err(|e| format!("database {}: {e}", redact_url(&database.url)))?;
    let interrupted = services::imports::mark_interrupted(&db)
        .await
        .map_err(|e| e.to_string())?;
    if interrupted > 0 {
        tracing::warn!(
            interrupted,
            "imports interrupted by the last stop; run them again"
        );
    }
    let seeded = services::rules::ensure_seeded(&db)
        .await
        .map_err(|e| e.to_string())?;
    if seeded > 0 {
        tracing::info!(rules = seeded, "seed credit rules created");
    }
    let stored = if Config::needs_stored_secrets(&args) {
        services::settings::demo_secrets(&db)
            .await
            .map_err(|e| e.to_string())?
    } else {
        StoredSecrets::default()
    };
    let config = Config::resolve(args, stored).map_err(|e| e.to_string())?;
    if !config.dist.join("index.html").is_file() {
        tracing::warn!(dist = %config.dist.display(), "no index.html: the web app is not built; the API still runs");
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, mode = ?config.mode, database = %redact_url(&database.url), "tanpu is serving");
    let state = AppState::new(db.clone(), config).map_err(|e| e.to_string())?;
    tokio::spawn(housekeeping(db));
    http::serve(listener, state, http::shutdown_signal())
        .await
        .map_err(|e| format!("server failed: {e}"))
}

/// Every ten minutes: forgets old rate-limit windows and partner request
/// ids that can no longer be replayed.
async fn housekeeping(db: sea_orm::DatabaseConnection) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        let now = chrono::Utc::now().timestamp();
        if let Err(e) = services::rate_limit::purge_expired(&db, now).await {
            tracing::warn!(error = %e, "purging rate-limit windows failed");
        }
        if let Err(e) = services::partners::purge_seen_ids(&db, now).await {
            tracing::warn!(error = %e, "purging partner request ids failed");
        }
    }
}

async fn migrate(database: &DatabaseArgs, action: MigrateAction) -> Result<(), String> {
    let db = db::connect(database)
        .await
        .map_err(|e| format!("database {}: {e}", redact_url(&database.url)))?;
    let result = match action {
        MigrateAction::Up { steps } => Migrator::up(&db, steps).await,
        MigrateAction::Down { steps } => Migrator::down(&db, Some(steps)).await,
        MigrateAction::Status => {
            let migrations = Migrator::get_migration_with_status(&db)
                .await
                .map_err(|e| e.to_string())?;
            for m in migrations {
                println!("{:<10} {}", format!("{:?}", m.status()), m.name());
            }
            Ok(())
        }
    };
    result.map_err(|e| format!("migration failed: {e}"))
}

async fn demo_seed(
    database: &DatabaseArgs,
    binding_key: Option<Secret>,
    partner_key: Option<Secret>,
    days: u32,
) -> Result<(), String> {
    let db = db::connect_and_migrate(database)
        .await
        .map_err(|e| format!("database {}: {e}", redact_url(&database.url)))?;
    services::rules::ensure_seeded(&db)
        .await
        .map_err(|e| e.to_string())?;
    let stored = services::settings::demo_secrets(&db)
        .await
        .map_err(|e| e.to_string())?;
    let binding_key = binding_key
        .or_else(|| stored.binding_key.clone())
        .ok_or("no demo binding key")?;
    let partner_key = partner_key.or_else(|| stored.partner_key.clone());
    let report = demo::seed(&db, &binding_key)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "demo seed: {} accounts created, {} already there, {} bindings created, {} rewards created",
        report.accounts_created,
        report.accounts_existing,
        report.bindings_created,
        report.rewards_created
    );
    println!("demo logins (password for all: {}):", demo::DEMO_PASSWORD);
    for account in demo::DEMO_ACCOUNTS {
        let binds: Vec<String> = account
            .binds
            .iter()
            .map(|(kind, value)| format!("{}={value}", kind.as_str()))
            .collect();
        println!(
            "  {:<9} {:<22} {}  {}",
            account.role.as_str(),
            account.login,
            account.nickname,
            binds.join(", ")
        );
    }
    if days > 0 {
        let args = ServeArgs {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            dist: std::path::PathBuf::from("dist"),
            jwt_secret: None,
            binding_key: Some(binding_key),
            partner_key,
            mode: crate::config::Mode::Demo,
            login_limit_per_minute: 20,
            login_account_limit: 10,
            register_limit_per_hour: 10,
            preview_limit_per_minute: 60,
            trust_proxy: false,
            // The generator sends a month of traffic as fast as it can;
            // the ingest limit guards a live server, not this one.
            partner_limit: crate::config::PartnerLimitArgs {
                partner_records_per_second: 0,
                ..Default::default()
            },
            timeouts: crate::config::TimeoutArgs::default(),
        };
        demo_traffic(db, args, stored, days).await?;
    }
    Ok(())
}

/// Sends a month of simulated partner traffic through the real API of a
/// server started in this process on a free loopback port.
async fn demo_traffic(
    db: sea_orm::DatabaseConnection,
    args: ServeArgs,
    stored: StoredSecrets,
    days: u32,
) -> Result<(), String> {
    let config = Config::resolve(args, stored).map_err(|e| e.to_string())?;
    let master = config.partner_key.clone();
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let base_url = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let state = AppState::new(db.clone(), config).map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let plan = crate::simulate::Plan {
        days,
        bad_share: 0.1,
        seed: 1,
    };
    let result = crate::simulate::run(&db, &master, &base_url, plan).await;
    let _ = stop.send(());
    let _ = server.await;
    for (partner, tally) in result? {
        println!(
            "demo traffic from {partner}: {} accepted, {} rejected, {} held, {} duplicate",
            tally.accepted, tally.rejected, tally.held, tally.duplicate
        );
    }
    Ok(())
}

async fn admin_create(
    database: &DatabaseArgs,
    login: &str,
    password: Option<String>,
    nickname: &str,
) -> Result<(), String> {
    let password = match password {
        Some(p) => p,
        None => read_password_line()?,
    };
    let login = Login::parse(login).map_err(|e| format!("--login: {e}"))?;
    let nickname = account::parse_nickname(nickname).map_err(|e| format!("--nickname: {e}"))?;
    account::check_new_password(&password).map_err(|e| format!("password: {e}"))?;
    let db = db::connect_and_migrate(database)
        .await
        .map_err(|e| format!("database {}: {e}", redact_url(&database.url)))?;
    let user = services::accounts::create_user(
        &db,
        NewUser {
            login,
            nickname,
            password,
            role: Role::Admin,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("administrator {} created with id {}", user.login, user.id);
    Ok(())
}

fn read_password_line() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal, Write};
    if std::io::stdin().is_terminal() {
        eprint!("password: ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err("no password given (use --password or standard input)".to_owned());
    }
    Ok(password)
}

/// Prints the ledger's verification report; a broken ledger is an error
/// (exit code 1). The database is opened, not migrated: verifying changes
/// nothing.
async fn ledger_verify(database: &DatabaseArgs) -> Result<(), String> {
    let db = db::connect(database)
        .await
        .map_err(|e| format!("database {}: {e}", redact_url(&database.url)))?;
    let report = services::ledger::verify::verify(&db)
        .await
        .map_err(|e| format!("ledger verification could not run: {e}"))?;
    println!("{report}");
    if report.is_ok() {
        Ok(())
    } else {
        Err(format!(
            "the ledger is not intact: {} problem(s)",
            report.problem_count
        ))
    }
}

async fn partner(
    database: &DatabaseArgs,
    partner_key: Option<Secret>,
    action: PartnerAction,
) -> Result<(), String> {
    use crate::services::partners;
    use tanpu_core::PartnerId;
    use tanpu_core::api::{CreatePartnerRequest, PartnerSecret};

    let db = db::connect_and_migrate(database)
        .await
        .map_err(|e| format!("database {}: {e}", redact_url(&database.url)))?;
    let master = match partner_key {
        Some(key) => key,
        None => services::settings::demo_secrets(&db)
            .await
            .map_err(|e| e.to_string())?
            .partner_key
            .ok_or("no demo partner key")?,
    };
    let print_secret = |secret: &PartnerSecret, json: bool| {
        if json {
            println!(
                "{}",
                serde_json::json!({"partner_id": secret.partner_id, "secret": secret.secret})
            );
        } else {
            println!(
                "partner {}: secret {} (shown once; store it now)",
                secret.partner_id, secret.secret
            );
        }
    };
    match action {
        PartnerAction::Create { name, kinds, json } => {
            let (_, secret) =
                partners::create(&db, &master, None, CreatePartnerRequest { name, kinds })
                    .await
                    .map_err(|e| e.to_string())?;
            print_secret(&secret, json);
        }
        PartnerAction::Rotate {
            id,
            json,
            retire_old,
        } => {
            let secret = partners::rotate(&db, &master, None, PartnerId(id))
                .await
                .map_err(|e| e.to_string())?;
            if retire_old {
                partners::retire_old_secrets(&db, None, PartnerId(id))
                    .await
                    .map_err(|e| e.to_string())?;
            }
            print_secret(&secret, json);
        }
        PartnerAction::Simulate {
            url,
            days,
            bad_share,
            seed,
        } => {
            let plan = crate::simulate::Plan {
                days,
                bad_share,
                seed,
            };
            for (partner, tally) in crate::simulate::run(&db, &master, &url, plan).await? {
                println!(
                    "{partner}: {} accepted, {} rejected, {} held, {} duplicate",
                    tally.accepted, tally.rejected, tally.held, tally.duplicate
                );
            }
        }
        PartnerAction::Disable { id } => {
            partners::disable(&db, None, PartnerId(id))
                .await
                .map_err(|e| e.to_string())?;
            println!("partner {id} disabled");
        }
        PartnerAction::List => {
            for p in partners::list(&db).await.map_err(|e| e.to_string())? {
                println!(
                    "{:>4}  {:<24} {:<9} secrets={}  kinds={}",
                    p.id,
                    p.name,
                    if p.disabled { "disabled" } else { "active" },
                    p.active_secrets,
                    p.kinds.join(",")
                );
            }
        }
    }
    Ok(())
}

/// The URL without its password, for messages and logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(
            redact_url("postgres://tanpu:hunter2@db:5432/tanpu"),
            "postgres://tanpu:***@db:5432/tanpu"
        );
        assert_eq!(
            redact_url("postgres://root@127.0.0.1/x"),
            "postgres://root@127.0.0.1/x"
        );
        assert_eq!(
            redact_url("sqlite://data/tanpu.db"),
            "sqlite://data/tanpu.db"
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
