//! `tanpu bench …`: benchmarks an operator runs on the machine that will
//! carry the city, on scratch databases they create and delete themselves
//! (never the configured database), printing one table: the machine, the
//! settings, each figure, its target from `DESIGN.md` §7 and a verdict.
//!
//! Figures are measured, never estimated: each benchmark drives the real
//! services (the ledger's [`transfer_batch`](crate::services::ledger::transfer::transfer_batch),
//! not a copy of its SQL) on a database opened exactly as `tanpu serve`
//! opens it ([`crate::db::connect_and_migrate`]).
//!
//! - [`ledger`]: transfers per second, single and in batches of 1,000.
//! - [`ingest`]: partner records credited per second over HTTP.
//! - [`read`]: a citizen's pages under load, beside a bare axum handler.
//! - [`scale`]: a citizen's pages as the ledger grows to ten million entries.
//! - [`simulate`]: a draft rule over a million stored actions.
//! - [`dashboard`]: the administrators' dashboard at a million citizens.
//! - [`all`]: all of them, and the browser bundle, in one table.

pub mod all;
pub mod city;
pub mod dashboard;
pub mod fill;
pub mod ingest;
pub mod ledger;
pub mod load;
pub mod read;
pub mod scale;
pub mod simulate;

use crate::config::DatabaseArgs;
use clap::{Args, Subcommand};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// Where the benchmarks run, shared by every benchmark.
#[derive(Args, Clone, Debug)]
pub struct BenchOptions {
    /// A PostgreSQL server (`postgres://user@host:5432`, no database; a query
    /// such as `?host=/var/run/postgresql` is kept) to run on as well as
    /// SQLite; a scratch database is created there and dropped after.
    #[arg(long, env = "TANPU_BENCH_PG_URL", global = true)]
    pub pg_url: Option<String>,
    /// The folder for the scratch SQLite file (the system's temporary folder
    /// by default). Put it on the disk the city's database will use: what a
    /// commit costs is mostly what the disk's flush costs.
    #[arg(long, env = "TANPU_BENCH_DIR", global = true)]
    pub scratch_dir: Option<PathBuf>,
}

/// Which benchmark.
#[derive(Subcommand, Clone, Debug)]
pub enum BenchCommand {
    /// Ledger transfers per second, single and in batches.
    Ledger(ledger::LedgerArgs),
    /// A draft rule simulated over a million stored actions.
    Simulate(simulate::SimulateArgs),
    /// Partner records verified and credited per second over HTTP.
    Ingest(ingest::IngestArgs),
    /// The administrators' dashboard at a million citizens.
    Dashboard(dashboard::DashboardArgs),
    /// A citizen's summary and actions under load, beside a bare axum
    /// handler.
    Read(read::ReadArgs),
    /// A citizen's pages with 10 thousand to 10 million ledger entries.
    Scale(scale::ScaleArgs),
    /// Every benchmark in sequence, in one table.
    All(all::AllArgs),
}

impl BenchCommand {
    /// The benchmark's name, as typed after `tanpu bench`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(_) => "ledger",
            Self::Simulate(_) => "simulate",
            Self::Ingest(_) => "ingest",
            Self::Dashboard(_) => "dashboard",
            Self::Read(_) => "read",
            Self::Scale(_) => "scale",
            Self::All(_) => "all",
        }
    }
}

/// Runs a benchmark on SQLite and, with [`BenchOptions::pg_url`], on
/// PostgreSQL, then prints the table on standard output (progress goes to
/// standard error).
///
/// # Errors
/// A scratch database cannot be made, or the benchmark failed (for `all`:
/// any of them, after the table is printed).
pub async fn run(options: &BenchOptions, which: &BenchCommand) -> Result<(), String> {
    let machine = Machine::detect();
    eprintln!("machine: {machine}");
    let BenchCommand::All(args) = which else {
        let rows = measure(options, which).await?;
        print!("{}", render(&machine, &rows));
        return Ok(());
    };
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for step in all::steps(args) {
        eprintln!("bench all: {}", step.command.name());
        match measure(options, &step.command).await {
            Ok(more) => rows.extend(more.into_iter().map(|mut row| {
                if step.reduced {
                    row.settings = format!("reduced for `all`: {}", row.settings);
                }
                row
            })),
            Err(e) => {
                rows.push(all::failed_row(&step.command, &e));
                failed.push(step.command.name());
            }
        }
    }
    if !args.no_frontend {
        rows.extend(all::frontend().await);
    }
    print!("{}", render(&machine, &rows));
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(", ")))
    }
}

/// One benchmark on each backend's scratch database; the rows of all.
async fn measure(options: &BenchOptions, which: &BenchCommand) -> Result<Vec<Row>, String> {
    let parent = options
        .scratch_dir
        .clone()
        .unwrap_or_else(std::env::temp_dir);
    let mut scratches = vec![Scratch::sqlite(&parent)?];
    if let Some(server) = options.pg_url.as_deref().filter(|s| !s.is_empty()) {
        match Scratch::postgres(server).await {
            Ok(scratch) => scratches.push(scratch),
            Err(e) => {
                for s in scratches {
                    s.remove().await;
                }
                return Err(e);
            }
        }
    }
    let mut rows = Vec::new();
    let mut failure = None;
    for scratch in scratches {
        if failure.is_none() {
            let result = async {
                let db = scratch.open().await?;
                let backend = scratch.backend();
                let rows = match which {
                    BenchCommand::Ledger(args) => ledger::run(&db, backend, args).await,
                    BenchCommand::Ingest(args) => ingest::run(&db, backend, args).await,
                    BenchCommand::Dashboard(args) => dashboard::run(&db, backend, args).await,
                    BenchCommand::Simulate(args) => simulate::run(&db, backend, args).await,
                    BenchCommand::Read(args) => read::run(&db, backend, args).await,
                    BenchCommand::Scale(args) => scale::run(&db, backend, args).await,
                    BenchCommand::All(_) => Err("`all` does not nest".to_owned()),
                };
                db.close().await.ok();
                rows
            }
            .await;
            match result {
                Ok(more) => rows.extend(more),
                Err(e) => failure = Some(format!("{} benchmark: {e}", scratch.backend())),
            }
        }
        scratch.remove().await;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(rows),
    }
}

/// The machine a table was measured on.
#[derive(Clone, Debug)]
pub struct Machine {
    /// Logical cores available to this process.
    pub cores: usize,
    /// The CPU's model name from `/proc/cpuinfo` (`unknown` elsewhere).
    pub cpu: String,
    /// Physical memory, from `/proc/meminfo`.
    pub memory_bytes: Option<u64>,
    /// The operating system and architecture.
    pub os: String,
}

impl Machine {
    /// Looks at this machine.
    #[must_use]
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        Self {
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            cpu: cpu_model(&cpuinfo).unwrap_or_else(|| "unknown".to_owned()),
            memory_bytes: mem_total(&meminfo),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} cores, {}", self.cores, self.cpu)?;
        if let Some(bytes) = self.memory_bytes {
            // Display only: GiB with one decimal.
            #[allow(clippy::cast_precision_loss)]
            let gib = bytes as f64 / f64::from(1u32 << 30);
            write!(f, ", {gib:.1} GiB")?;
        }
        write!(f, ", {}", self.os)
    }
}

/// The first `model name` of `/proc/cpuinfo`.
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_owned())
    })
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// Whether a figure met its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// At or beyond the target.
    Pass,
    /// Short of the target.
    Miss,
    /// No target: the figure is for information.
    Info,
    /// Not run on this machine (the row says why).
    Skipped,
    /// The benchmark failed (the row says how).
    Failed,
}

impl Verdict {
    /// `higher` against an optional floor.
    #[must_use]
    pub fn at_least(figure: f64, target: Option<f64>) -> Self {
        match target {
            None => Self::Info,
            Some(t) if figure >= t => Self::Pass,
            Some(_) => Self::Miss,
        }
    }

    /// `lower` against an optional ceiling.
    #[must_use]
    pub fn at_most(figure: f64, target: Option<f64>) -> Self {
        match target {
            None => Self::Info,
            Some(t) if figure <= t => Self::Pass,
            Some(_) => Self::Miss,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Miss => "MISS",
            Self::Info => "info",
            Self::Skipped => "skipped",
            Self::Failed => "FAILED",
        }
    }
}

/// One line of the table.
#[derive(Clone, Debug)]
pub struct Row {
    /// Which benchmark and case, e.g. `ledger: batches of 1000`.
    pub name: String,
    /// `SQLite` or `PostgreSQL`.
    pub backend: &'static str,
    /// The settings that matter for the figure.
    pub settings: String,
    /// The figure with its unit.
    pub figure: String,
    /// The target, or `—`.
    pub target: String,
    /// The verdict.
    pub verdict: Verdict,
}

/// The report: the machine and one row per figure, printed as a Markdown
/// table (readable on a terminal, pasteable into `docs/PERFORMANCE.md`).
#[must_use]
pub fn render(machine: &Machine, rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "machine: {machine}");
    let _ = writeln!(
        out,
        "date: {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(out);
    let header = [
        "benchmark",
        "backend",
        "settings",
        "figure",
        "target",
        "verdict",
    ];
    let cells: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.name.as_str(),
                r.backend,
                r.settings.as_str(),
                r.figure.as_str(),
                r.target.as_str(),
                r.verdict.as_str(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, row: &[&str; 6]| {
        out.push('|');
        for (cell, w) in row.iter().zip(widths) {
            let pad = w - cell.chars().count();
            let _ = write!(out, " {cell}{} |", " ".repeat(pad));
        }
        out.push('\n');
    };
    line(&mut out, &header);
    out.push('|');
    for w in widths {
        let _ = write!(out, "{}|", "-".repeat(w + 2));
    }
    out.push('\n');
    for row in &cells {
        line(&mut out, row);
    }
    out
}

/// A figure like `23 456/s`: whole units, thousands separated by a thin
/// space so that columns stay readable.
#[must_use]
pub fn per_second(count: u64, elapsed: std::time::Duration) -> (f64, String) {
    // A rate for display and comparison with a target; precision is moot.
    #[allow(clippy::cast_precision_loss)]
    let rate = count as f64 / elapsed.as_secs_f64().max(1e-9);
    (rate, format!("{}/s", thousands(rate.round())))
}

/// `12345.0` as `12 345`.
#[must_use]
pub fn thousands(value: f64) -> String {
    // Rounded, non-negative figures far below 2^53.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let digits = (value.max(0.0) as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A database that exists for one benchmark run and is deleted after it.
pub enum Scratch {
    /// A SQLite file in a folder of its own.
    Sqlite {
        /// The folder (deleted with the file, its WAL and shared memory).
        dir: PathBuf,
    },
    /// A database on a PostgreSQL server.
    Postgres {
        /// The server URL, without a database or query.
        server: String,
        /// The URL's query (e.g. `host=/var/run/postgresql` for a Unix
        /// socket), with its `?`, or empty.
        query: String,
        /// The scratch database's name.
        name: String,
    },
}

/// `postgres://u@h:5432/?host=/run` as (`postgres://u@h:5432`, `?host=/run`).
fn split_server(url: &str) -> (String, String) {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    (base.trim_end_matches('/').to_owned(), query)
}

impl Scratch {
    /// A fresh SQLite file under `parent`.
    ///
    /// # Errors
    /// The folder cannot be created.
    pub fn sqlite(parent: &Path) -> Result<Self, String> {
        let dir = parent.join(format!("tanpu-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(Self::Sqlite { dir })
    }

    /// A fresh database on the PostgreSQL server at `server`
    /// (`postgres://user@host:port`, no database name).
    ///
    /// # Errors
    /// The server is unreachable or refuses to create the database.
    pub async fn postgres(server: &str) -> Result<Self, String> {
        let (server, query) = split_server(server);
        let name = format!("tanpu_bench_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(format!("{server}/postgres{query}"))
            .await
            .map_err(|e| format!("PostgreSQL at {server}: {e}"))?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| format!("cannot create the scratch database {name}: {e}"))?;
        admin.close().await.ok();
        Ok(Self::Postgres {
            server,
            query,
            name,
        })
    }

    /// The backend's name for the table.
    #[must_use]
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }

    /// Where it is, as `--database-url` would name it.
    #[must_use]
    pub fn args(&self) -> DatabaseArgs {
        let url = match self {
            Self::Sqlite { dir } => format!("sqlite://{}", dir.join("bench.db").display()),
            Self::Postgres {
                server,
                query,
                name,
            } => format!("{server}/{name}{query}"),
        };
        DatabaseArgs { url }
    }

    /// Opens and migrates it as `tanpu serve` would.
    ///
    /// # Errors
    /// As [`crate::db::connect_and_migrate`].
    pub async fn open(&self) -> Result<DatabaseConnection, String> {
        crate::db::connect_and_migrate(&self.args())
            .await
            .map_err(|e| format!("scratch database: {e}"))
    }

    /// Deletes it. Failures are reported, not fatal: the figures stand.
    pub async fn remove(self) {
        match self {
            Self::Sqlite { dir } => {
                if let Err(e) = std::fs::remove_dir_all(&dir) {
                    eprintln!("warning: could not remove {}: {e}", dir.display());
                }
            }
            Self::Postgres {
                server,
                query,
                name,
            } => {
                let dropped = async {
                    let admin = Database::connect(format!("{server}/postgres{query}")).await?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await?;
                    admin.close().await
                };
                if let Err(e) = dropped.await {
                    eprintln!("warning: could not drop the scratch database {name}: {e}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_is_read_from_proc() {
        assert_eq!(
            cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: x\n").as_deref(),
            Some("AMD EPYC 7B13")
        );
        assert_eq!(
            mem_total("MemTotal:       24684084 kB\nMemFree: 1 kB\n"),
            Some(24_684_084 * 1024)
        );
        assert_eq!(cpu_model(""), None);
    }

    #[test]
    fn server_urls_keep_their_query_after_the_database() {
        assert_eq!(
            split_server("postgres://postgres@127.0.0.1:5432/"),
            (
                "postgres://postgres@127.0.0.1:5432".to_owned(),
                String::new()
            )
        );
        assert_eq!(
            split_server("postgres://postgres@localhost?host=/var/run/postgresql"),
            (
                "postgres://postgres@localhost".to_owned(),
                "?host=/var/run/postgresql".to_owned()
            )
        );
    }

    #[test]
    fn figures_are_grouped_and_verdicts_follow_targets() {
        assert_eq!(thousands(1_234_567.0), "1 234 567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(Verdict::at_least(20_000.0, Some(20_000.0)), Verdict::Pass);
        assert_eq!(Verdict::at_least(19_999.0, Some(20_000.0)), Verdict::Miss);
        assert_eq!(Verdict::at_least(5.0, None), Verdict::Info);
    }

    #[test]
    fn the_table_aligns_its_columns() {
        let machine = Machine {
            cores: 2,
            cpu: "test cpu".into(),
            memory_bytes: Some(1 << 30),
            os: "linux x86_64".into(),
        };
        let table = render(
            &machine,
            &[Row {
                name: "ledger: batches of 1000".into(),
                backend: "SQLite",
                settings: "synchronous=FULL".into(),
                figure: "25 000/s".into(),
                target: "≥ 20 000/s".into(),
                verdict: Verdict::Pass,
            }],
        );
        assert!(table.starts_with("machine: 2 cores, test cpu, 1.0 GiB, linux x86_64\n"));
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 3);
        let width = rows[0].chars().count();
        assert!(rows.iter().all(|r| r.chars().count() == width), "{table}");
        assert!(rows[2].contains("| pass"));
    }
}
