//! `tanpu bench all`: every benchmark in sequence — ledger, ingest, read,
//! scale, simulate, dashboard, then the browser bundle through
//! `scripts/bench-frontend.sh` when this machine can run it — printed as
//! one table.
//!
//! By default the heavy benchmarks run smaller than their own defaults so
//! that the whole run stays under a quarter of an hour on two cores (each
//! reduced row says so in its settings); `--full` runs every benchmark at
//! its own defaults instead, which takes far longer (scale and dashboard
//! each load ten million ledger entries per backend). A benchmark
//! that fails becomes a `FAILED` row and the others still run; the command
//! then exits with an error after printing the table.

use super::dashboard::DashboardArgs;
use super::ingest::IngestArgs;
use super::ledger::LedgerArgs;
use super::read::ReadArgs;
use super::scale::ScaleArgs;
use super::simulate::SimulateArgs;
use super::{BenchCommand, Row, Verdict};
use clap::Args;
use std::path::{Path, PathBuf};

/// Options of `tanpu bench all`.
#[derive(Args, Clone, Debug)]
pub struct AllArgs {
    /// Run every benchmark at its own default size rather than the reduced
    /// sizes (far longer: ten million ledger entries, twice).
    #[arg(long)]
    pub full: bool,
    /// Leave out the browser benchmark.
    #[arg(long)]
    pub no_frontend: bool,
}

/// A benchmark of the sequence: its command and whether it runs reduced.
pub struct Step {
    /// What to run.
    pub command: BenchCommand,
    /// Whether its settings are smaller than its own defaults.
    pub reduced: bool,
}

/// The benchmarks `all` runs, in order.
#[must_use]
pub fn steps(args: &AllArgs) -> Vec<Step> {
    let full = args.full;
    let ledger = LedgerArgs {
        citizens: 2_000,
        singles: 500,
        batches: 20,
        batch_size: 1_000,
    };
    let ingest = if full {
        IngestArgs {
            citizens: 20_000,
            batches: 60,
            senders: 4,
            singles: 6_000,
        }
    } else {
        IngestArgs {
            citizens: 5_000,
            batches: 12,
            senders: 2,
            singles: 1_500,
        }
    };
    let read = ReadArgs {
        citizens: if full { 3_000 } else { 1_000 },
        rides: 10,
        readers: 32,
        reader_rides: 300,
        seconds: if full { 5 } else { 3 },
    };
    let scale = ScaleArgs {
        sizes: if full {
            vec![10_000, 1_000_000, 10_000_000]
        } else {
            vec![10_000, 100_000, 1_000_000]
        },
        rides: 300,
        others: 10_000,
        requests: 200,
    };
    let simulate = SimulateArgs {
        actions: if full { 1_000_000 } else { 250_000 },
        citizens: if full { 20_000 } else { 5_000 },
    };
    let dashboard = DashboardArgs {
        citizens: 1_000_000,
        entries: if full { 10_000_000 } else { 1_000_000 },
        runs: 30,
    };
    vec![
        Step {
            command: BenchCommand::Ledger(ledger),
            reduced: false,
        },
        Step {
            command: BenchCommand::Ingest(ingest),
            reduced: !full,
        },
        Step {
            command: BenchCommand::Read(read),
            reduced: !full,
        },
        Step {
            command: BenchCommand::Scale(scale),
            reduced: !full,
        },
        Step {
            command: BenchCommand::Simulate(simulate),
            reduced: !full,
        },
        Step {
            command: BenchCommand::Dashboard(dashboard),
            reduced: !full,
        },
    ]
}

/// The row standing for a benchmark that failed.
#[must_use]
pub fn failed_row(command: &BenchCommand, error: &str) -> Row {
    Row {
        name: format!("{}: failed", command.name()),
        backend: "—",
        settings: error.replace('|', "/").replace('\n', " "),
        figure: "—".to_owned(),
        target: "—".to_owned(),
        verdict: Verdict::Failed,
    }
}

/// What the browser benchmark needs that this machine lacks, if anything:
/// the script, Trunk and Node on the `PATH`, Playwright installed in
/// `end2end/`, and Chromium (`CHROMIUM_PATH` or `/usr/bin/chromium`).
#[must_use]
pub fn frontend_missing(
    root: Option<&Path>,
    exists: impl Fn(&Path) -> bool,
    on_path: impl Fn(&str) -> bool,
    chromium: &Path,
) -> Option<String> {
    let Some(root) = root else {
        return Some("scripts/bench-frontend.sh not found above the current folder".to_owned());
    };
    let mut missing = Vec::new();
    for tool in ["trunk", "node", "cargo"] {
        if !on_path(tool) {
            missing.push(format!("{tool} not on PATH"));
        }
    }
    if !exists(&root.join("end2end/node_modules/@playwright/test")) {
        missing.push("Playwright not installed (npm ci in end2end/)".to_owned());
    }
    if !exists(chromium) {
        missing.push(format!("no Chromium at {}", chromium.display()));
    }
    (!missing.is_empty()).then(|| missing.join("; "))
}

/// The frontend rows of `bench-frontend.sh`'s output: its table's lines
/// that start with `| frontend:` (benchmark, settings, figure, target,
/// verdict).
#[must_use]
pub fn frontend_rows(output: &str) -> Vec<Row> {
    output
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .map(str::trim)
                .collect();
            let [name, settings, figure, target, verdict] = cells.as_slice() else {
                return None;
            };
            name.starts_with("frontend:").then(|| Row {
                name: (*name).to_owned(),
                backend: "browser",
                settings: (*settings).to_owned(),
                figure: (*figure).to_owned(),
                target: (*target).to_owned(),
                verdict: match *verdict {
                    "pass" => Verdict::Pass,
                    "MISS" => Verdict::Miss,
                    _ => Verdict::Info,
                },
            })
        })
        .collect()
}

/// The folder at or above the current one holding
/// `scripts/bench-frontend.sh`.
fn workspace_root() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .find(|dir| dir.join("scripts/bench-frontend.sh").is_file())
        .map(Path::to_path_buf)
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

/// Runs `scripts/bench-frontend.sh` if this machine can, else a `skipped`
/// row saying why.
pub async fn frontend() -> Vec<Row> {
    let skipped = |why: String| {
        vec![Row {
            name: "frontend: bundle and first render".to_owned(),
            backend: "browser",
            settings: why,
            figure: "—".to_owned(),
            target: "< 200 KB, < 300 ms".to_owned(),
            verdict: Verdict::Skipped,
        }]
    };
    let root = workspace_root();
    let chromium = std::env::var_os("CHROMIUM_PATH")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if let Some(why) = frontend_missing(root.as_deref(), Path::exists, on_path, &chromium) {
        return skipped(why);
    }
    let Some(root) = root else {
        return skipped("no workspace".to_owned());
    };
    eprintln!("frontend: scripts/bench-frontend.sh (builds the bundle first)");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg("scripts/bench-frontend.sh")
            .current_dir(&root)
            .stderr(std::process::Stdio::inherit())
            .output()
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|r| r);
    match output {
        Ok(out) if out.status.success() => {
            let rows = frontend_rows(&String::from_utf8_lossy(&out.stdout));
            if rows.is_empty() {
                skipped("bench-frontend.sh printed no rows".to_owned())
            } else {
                rows
            }
        }
        Ok(out) => vec![failed_row_named(
            "frontend",
            &format!("bench-frontend.sh exited with {}", out.status),
        )],
        Err(e) => vec![failed_row_named(
            "frontend",
            &format!("cannot run bench-frontend.sh: {e}"),
        )],
    }
}

fn failed_row_named(name: &str, error: &str) -> Row {
    Row {
        name: format!("{name}: failed"),
        backend: "—",
        settings: error.to_owned(),
        figure: "—".to_owned(),
        target: "—".to_owned(),
        verdict: Verdict::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontend_is_skipped_with_every_missing_piece_named() {
        let root = Path::new("/w");
        let why = frontend_missing(
            Some(root),
            |_| false,
            |tool| tool != "trunk",
            Path::new("/usr/bin/chromium"),
        )
        .unwrap();
        assert!(why.contains("trunk not on PATH"), "{why}");
        assert!(why.contains("Playwright"), "{why}");
        assert!(why.contains("no Chromium at /usr/bin/chromium"), "{why}");
        assert!(!why.contains("node"), "{why}");
        assert_eq!(
            frontend_missing(Some(root), |_| true, |_| true, Path::new("/c")),
            None
        );
        assert!(frontend_missing(None, |_| true, |_| true, Path::new("/c")).is_some());
    }

    #[test]
    fn the_frontend_script_rows_become_table_rows() {
        let output = "machine: 2 cores\n\
            | benchmark | settings | figure | target | verdict |\n\
            |---|---|---|---|---|\n\
            | frontend: gzipped bundle | wasm 150.0 KB | 171.2 KB | < 200 KB | pass |\n\
            | frontend: first render of / (cold cache) | median of 9 | 310 ms | < 300 ms | MISS |\n";
        let rows = frontend_rows(output);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].figure, "171.2 KB");
        assert_eq!(rows[0].verdict, Verdict::Pass);
        assert_eq!(rows[1].verdict, Verdict::Miss);
        assert_eq!(rows[1].backend, "browser");
    }

    #[test]
    fn the_quick_run_is_reduced_and_the_full_run_is_not() {
        let quick = steps(&AllArgs {
            full: false,
            no_frontend: false,
        });
        let names: Vec<&str> = quick.iter().map(|s| s.command.name()).collect();
        assert_eq!(
            names,
            ["ledger", "ingest", "read", "scale", "simulate", "dashboard"]
        );
        assert!(quick.iter().skip(1).all(|s| s.reduced));
        let full = steps(&AllArgs {
            full: true,
            no_frontend: false,
        });
        assert!(full.iter().all(|s| !s.reduced));
    }
}
