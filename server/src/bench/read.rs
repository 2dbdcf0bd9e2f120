//! `tanpu bench read`: what a citizen's pages cost under load (issue 9):
//! `GET /api/v1/me/summary` and the first page of `GET /api/v1/me/actions`
//! at 32 concurrent keep-alive connections over loopback, against the real
//! server, beside a bare axum handler measured the same way in the same run.
//!
//! The bare handler (its own router on another 127.0.0.1:0 listener,
//! answering a constant JSON body as large as the summary) is the ceiling of
//! the stack on this machine: HTTP parsing, tokio, the load generator
//! sharing the CPU. The figure is the summary's requests per second as a
//! share of it, so it says what Tanpu's own work costs whatever the machine;
//! the target is at least half the ceiling with p99 under 5 ms.
//!
//! The summary is served from the server's memory of the citizen
//! (`services::citizen_cache`) from the second read after a change on; a
//! second server on the same database whose memory never serves shows, as
//! information, what a first read costs (every query on the database).
//!
//! Set-up, not timed: `--citizens` citizens with bound cards and
//! `--rides` rides each, and `--readers` citizens with `--reader-rides`
//! rides each, all over the last four weeks and credited through the
//! partner API ([`super::city`]). Connection `i` reads as reader
//! `i % readers` with an access token minted as sign-in mints it.

use super::city::City;
use super::load::{self, Measured, Plan, Target, ms};
use super::{Row, Verdict, thousands};
use clap::Args;
use sea_orm::DatabaseConnection;
use std::time::Duration;

/// Options of `tanpu bench read`.
#[derive(Args, Clone, Debug)]
pub struct ReadArgs {
    /// Background citizens.
    #[arg(long, default_value_t = 3_000)]
    pub citizens: u32,
    /// Rides of each background citizen.
    #[arg(long, default_value_t = 10)]
    pub rides: u32,
    /// Citizens read (one per connection, in turn).
    #[arg(long, default_value_t = 32)]
    pub readers: u32,
    /// Rides of each citizen read.
    #[arg(long, default_value_t = 300)]
    pub reader_rides: u32,
    /// Measured seconds per endpoint, after a one-second warm-up.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
}

/// Concurrent connections.
const CONNECTIONS: usize = 32;
/// The share of the ceiling the summary must reach.
const TARGET_SHARE: f64 = 0.5;
/// The summary's p99 budget.
const P99_BUDGET: Duration = Duration::from_millis(5);

/// The verdict on an endpoint: at least `TARGET_SHARE` of the ceiling's
/// rate, with p99 under budget.
#[must_use]
pub fn verdict(share: f64, p99: Duration) -> Verdict {
    if share >= TARGET_SHARE && p99 < P99_BUDGET {
        Verdict::Pass
    } else {
        Verdict::Miss
    }
}

/// Builds the city, loads each endpoint and the ceiling, returns the rows.
///
/// # Errors
/// Set-up failed or a request was refused.
pub async fn run(
    db: &DatabaseConnection,
    backend: &'static str,
    args: &ReadArgs,
) -> Result<Vec<Row>, String> {
    let mut city = City::start(db).await?;
    let readers = city.citizens(db, "reader", args.readers.max(1)).await?;
    let others = city.citizens(db, "citizen", args.citizens).await?;
    let mut accepted = city.ride_history(&readers, args.reader_rides).await?;
    accepted += city.ride_history(&others, args.rides).await?;
    if accepted == 0 {
        return Err("no ride was credited: the citizens would have no history".to_owned());
    }
    crate::bench::fill::analyze(db).await?;

    let plan = Plan {
        connections: CONNECTIONS,
        warm_up: Duration::from_secs(1),
        measure: Duration::from_secs(args.seconds.max(1)),
    };
    let targets = |base: &str, path: &str| -> Result<Vec<Target>, String> {
        readers
            .iter()
            .map(|r| {
                Ok(Target {
                    url: format!("{base}{path}"),
                    token: Some(city.token(r.id)?),
                })
            })
            .collect()
    };
    let summary_targets = targets(&city.base, "/api/v1/me/summary")?;
    let unremembered_targets = targets(&city.unremembered_base, "/api/v1/me/summary")?;
    let actions_targets = targets(&city.base, "/api/v1/me/actions")?;
    let sample = load::get_once(&reqwest::Client::new(), &summary_targets[0]).await?;
    let ceiling_url = load::serve_ceiling(load::json_of_size(sample.len())).await?;
    let ceiling_targets = [Target {
        url: ceiling_url,
        token: None,
    }];

    eprintln!("read: loading the ceiling");
    let ceiling = load::drive(&ceiling_targets, plan).await?;
    eprintln!("read: loading /me/summary");
    let summary = load::drive(&summary_targets, plan).await?;
    eprintln!("read: loading /me/summary with nothing remembered");
    let unremembered = load::drive(&unremembered_targets, plan).await?;
    eprintln!("read: loading /me/actions");
    let actions = load::drive(&actions_targets, plan).await?;

    let settings = |m: &Measured| {
        format!(
            "{CONNECTIONS} connections, {} s; {}/s, p50 {}, p99 {}; {} B body",
            args.seconds.max(1),
            thousands(m.rate().round()),
            ms(m.quantile(0.5)),
            ms(m.quantile(0.99)),
            m.body_bytes,
        )
    };
    let city_note = format!(
        "{} readers × {} rides, {} citizens × {} rides, {} accepted",
        readers.len(),
        args.reader_rides,
        thousands(f64::from(args.citizens)),
        args.rides,
        thousands(accepted as f64)
    );
    let share = |m: &Measured| m.rate() / ceiling.rate().max(1e-9);
    let target = format!("≥ {TARGET_SHARE} × ceiling, p99 < {}", ms(P99_BUDGET));
    Ok(vec![
        Row {
            name: "read: bare axum handler (ceiling)".to_owned(),
            backend,
            settings: settings(&ceiling),
            figure: format!("{}/s", thousands(ceiling.rate().round())),
            target: "—".to_owned(),
            verdict: Verdict::Info,
        },
        Row {
            name: "read: GET /api/v1/me/summary".to_owned(),
            backend,
            settings: format!("{}; {city_note}", settings(&summary)),
            figure: format!("{:.2} × ceiling", share(&summary)),
            target: target.clone(),
            verdict: verdict(share(&summary), summary.quantile(0.99)),
        },
        Row {
            name: "read: GET /api/v1/me/summary, nothing remembered".to_owned(),
            backend,
            settings: settings(&unremembered),
            figure: format!("{:.2} × ceiling", share(&unremembered)),
            // What a citizen's first read after a change costs: the
            // database's path, shown beside the target, not judged by it.
            target: "—".to_owned(),
            verdict: Verdict::Info,
        },
        Row {
            name: "read: GET /api/v1/me/actions (first page)".to_owned(),
            backend,
            settings: settings(&actions),
            figure: format!("{:.2} × ceiling", share(&actions)),
            target,
            verdict: verdict(share(&actions), actions.quantile(0.99)),
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_passes_at_half_the_ceiling_with_a_short_tail() {
        assert_eq!(verdict(0.5, Duration::from_millis(4)), Verdict::Pass);
        assert_eq!(verdict(0.49, Duration::from_millis(1)), Verdict::Miss);
        assert_eq!(
            verdict(0.9, Duration::from_millis(5)),
            Verdict::Miss,
            "p99 must be under 5 ms"
        );
    }
}
