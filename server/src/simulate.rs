//! `tanpu partner simulate`: realistic partner traffic for the demo city,
//! signed and sent through the real API.
//!
//! Three partners report what the demo citizens did over the last weeks:
//! the bus company (rides in the rush hours, on real-sounding routes), the
//! fuel chain (refuels, most at night, some in the day) and the charging
//! network. A configurable share of the records is bad the way real feeds
//! are bad — duplicates, impossible speeds, refuels outside the night
//! window, unknown cards, timestamps in the future — so every reason code
//! shows up in the demo. The generator is seeded, so the same day gives the
//! same records (and a second run only repeats them: duplicates).

use crate::services::webhook::SigningKey;
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tanpu_core::api::BatchResult;

/// A demo partner and what it reports.
pub struct DemoPartner {
    /// Unique name.
    pub name: &'static str,
    /// Its kinds.
    pub kinds: &'static [&'static str],
}

/// The demo city's partners.
pub const DEMO_PARTNERS: [DemoPartner; 3] = [
    DemoPartner {
        name: "聊城公交集团",
        kinds: &["bus_ride"],
    },
    DemoPartner {
        name: "中石化聊城分公司",
        kinds: &["refuel_offpeak"],
    },
    DemoPartner {
        name: "国网聊城充电",
        kinds: &["ev_charge"],
    },
];

/// Who rides and drives in the demo: (subject type, subject value, habit).
/// Liaocheng's districts and county-level cities, for the dashboard's
/// "by district" view.
const DISTRICTS: [&str; 4] = ["东昌府区", "茌平区", "临清市", "阳谷县"];

const RIDERS: &[(&str, &str, Habit)] = &[
    ("transit_card", "3100 0000 0000 0001", Habit::Bus),
    ("transit_card", "3100 0000 0000 0002", Habit::Bus),
    ("transit_card", "3100 0000 0000 0004", Habit::Bus),
    ("transit_card", "3100 0000 0000 0005", Habit::Bus),
    ("fuel_card", "9001 0000 0000 0003", Habit::Refuel),
    ("plate", "鲁P·D52013", Habit::Charge),
];

#[derive(Clone, Copy)]
enum Habit {
    Bus,
    Refuel,
    Charge,
}

/// Bus routes of the demo city: (route, from, to, km).
const ROUTES: &[(&str, &str, &str, f64)] = &[
    ("K5", "东昌湖", "火车站", 7.4),
    ("K1", "光岳楼", "聊城大学", 5.2),
    ("3", "水城明珠", "开发区管委会", 9.1),
    ("K8", "汽车总站", "人民医院", 4.3),
    ("12", "湖南路", "东阿路口", 6.8),
];

/// How much traffic to make.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Days back from today to cover (at most 28, inside the claim window).
    pub days: u32,
    /// Share of bad records, 0.0 – 0.5.
    pub bad_share: f64,
    /// Seed of the generator.
    pub seed: u64,
}

/// The records each partner (by index in [`DEMO_PARTNERS`]) sends.
#[must_use]
pub fn records(plan: Plan, now: DateTime<Utc>) -> [Vec<Value>; 3] {
    let city = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let mut out: [Vec<Value>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let today = now.with_timezone(&city).date_naive();
    for back in (1..=plan.days.min(28)).rev() {
        let day = today - Duration::days(i64::from(back));
        for (rider, &(subject_type, subject, habit)) in RIDERS.iter().enumerate() {
            let id = |n: u32| format!("DEMO-{}-{rider}-{n}", day.format("%Y%m%d"));
            // Each demo citizen lives in one of the city's districts.
            let district = DISTRICTS[rider % DISTRICTS.len()];
            let at = |h: u32, m: u32| {
                city.from_local_datetime(
                    &day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()),
                )
                .single()
                .unwrap_or_else(|| {
                    city.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
                })
            };
            match habit {
                Habit::Bus => {
                    // Commuters ride most weekdays, morning and evening.
                    if rng.random_bool(0.8) {
                        for (n, hour) in [(0, 7), (1, 17)] {
                            let (route, from, to, km) = ROUTES[rng.random_range(0..ROUTES.len())];
                            let start = at(hour, rng.random_range(0..59));
                            let minutes = (km * 3.0) as i64 + rng.random_range(4..12);
                            out[0].push(json!({
                                "external_id": id(n),
                                "kind": "bus_ride",
                                "subject": {"type": subject_type, "value": subject},
                                "started_at": start.to_rfc3339(),
                                "ended_at": (start + Duration::minutes(minutes)).to_rfc3339(),
                                "quantity": km,
                                "unit": "km",
                                "attributes": {"route": route, "from_stop": from, "to_stop": to, "district": district},
                            }));
                        }
                    }
                }
                Habit::Refuel => {
                    if rng.random_bool(0.25) {
                        // Mostly at night (the discount), sometimes not.
                        let hour = if rng.random_bool(0.8) {
                            rng.random_range(20..24)
                        } else {
                            rng.random_range(9..18)
                        };
                        let litres = f64::from(rng.random_range(250..550)) / 10.0;
                        out[1].push(json!({
                            "external_id": id(0),
                            "kind": "refuel_offpeak",
                            "subject": {"type": subject_type, "value": subject},
                            "started_at": at(hour, rng.random_range(0..59)).to_rfc3339(),
                            "quantity": litres,
                            "unit": "L",
                            "attributes": {"station": "中石化东昌路加油站", "district": district},
                        }));
                    }
                }
                Habit::Charge => {
                    if rng.random_bool(0.3) {
                        let start = at(rng.random_range(19..23), rng.random_range(0..59));
                        let kwh = f64::from(rng.random_range(150..450)) / 10.0;
                        out[2].push(json!({
                            "external_id": id(0),
                            "kind": "ev_charge",
                            "subject": {"type": subject_type, "value": subject},
                            "started_at": start.to_rfc3339(),
                            "ended_at": (start + Duration::minutes(rng.random_range(40..120))).to_rfc3339(),
                            "quantity": kwh,
                            "unit": "kWh",
                            "attributes": {"charger": "国网聊城东昌湖站 3 号桩", "district": district},
                        }));
                    }
                }
            }
        }
    }
    spoil(&mut out[0], plan.bad_share, &mut rng, now, city);
    out
}

/// Turns a share of the bus records bad, one fault each, and adds
/// duplicates.
fn spoil(
    records: &mut Vec<Value>,
    share: f64,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    city: FixedOffset,
) {
    let share = share.clamp(0.0, 0.5);
    let count = records.len();
    for (i, record) in records.iter_mut().enumerate() {
        if !rng.random_bool(share) {
            continue;
        }
        match i % 4 {
            // Impossible speed: 60 km in the usual 20 minutes.
            0 => record["quantity"] = json!(60.0),
            // A card nobody bound.
            1 => record["subject"]["value"] = json!(format!("3100 9999 0000 {:04}", i % 10_000)),
            // Dated tomorrow.
            2 => {
                let start = (now + Duration::days(1)).with_timezone(&city);
                record["started_at"] = json!(start.to_rfc3339());
                record["ended_at"] = json!((start + Duration::minutes(20)).to_rfc3339());
            }
            // Unreadable quantity.
            _ => record["quantity"] = json!("seven"),
        }
    }
    // Feeds resend: duplicate a few records verbatim.
    let duplicates: Vec<Value> = records
        .iter()
        .take(count)
        .filter(|_| rng.random_bool(share / 2.0))
        .cloned()
        .collect();
    records.extend(duplicates);
}

/// Where and as whom to send.
pub struct Sender<'a> {
    /// e.g. `http://127.0.0.1:8080`.
    pub base_url: &'a str,
    /// The partner id.
    pub partner_id: i64,
    /// Its `whsec_…` secret.
    pub secret: &'a str,
}

/// Totals of what the server answered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Accepted records.
    pub accepted: u64,
    /// Rejected records.
    pub rejected: u64,
    /// Held records.
    pub held: u64,
    /// Duplicates.
    pub duplicate: u64,
}

/// Sends records in signed batches of up to 500 and tallies the answers.
///
/// # Errors
/// The server could not be reached, refused a batch, or the secret is not a
/// `whsec_` secret.
pub async fn send(sender: &Sender<'_>, records: &[Value]) -> Result<Tally, String> {
    let key = SigningKey::from_secret(sender.secret).ok_or("not a whsec_ secret")?;
    let client = reqwest::Client::new();
    let mut tally = Tally::default();
    for (n, chunk) in records.chunks(500).enumerate() {
        let body = json!({ "records": chunk }).to_string();
        let timestamp = Utc::now().timestamp();
        let msg_id = format!(
            "sim-{}-{timestamp}-{n}-{}",
            sender.partner_id,
            uuid::Uuid::new_v4().simple()
        );
        let res = client
            .post(format!("{}/api/v1/partner/actions/batch", sender.base_url))
            .header("content-type", "application/json")
            .header("tanpu-partner", sender.partner_id.to_string())
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                key.sign(&msg_id, timestamp, body.as_bytes()),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| format!("cannot reach {}: {e}", sender.base_url))?;
        if !res.status().is_success() {
            let status = res.status();
            let text = res.text().await.unwrap_or_default();
            return Err(format!("batch refused ({status}): {text}"));
        }
        let answer: BatchResult = res
            .json()
            .await
            .map_err(|e| format!("unreadable answer: {e}"))?;
        for result in answer.results {
            use tanpu_core::api::RecordStatus as S;
            match result.status {
                S::Accepted => tally.accepted += 1,
                S::Rejected => tally.rejected += 1,
                S::Held => tally.held += 1,
                S::Duplicate => tally.duplicate += 1,
            }
        }
    }
    Ok(tally)
}

/// Makes sure the demo partners exist, takes a fresh secret for each (a
/// secret is shown only once, so an existing partner is rotated), and sends
/// the plan's records through the API at `base_url`.
///
/// # Errors
/// A service or the server failed.
pub async fn run(
    db: &sea_orm::DatabaseConnection,
    master: &crate::config::Secret,
    base_url: &str,
    plan: Plan,
) -> Result<Vec<(&'static str, Tally)>, String> {
    use crate::services::partners;
    use tanpu_core::api::CreatePartnerRequest;

    let existing = partners::list(db).await.map_err(|e| e.to_string())?;
    let batches = records(plan, Utc::now());
    let mut tallies = Vec::new();
    for (partner, records) in DEMO_PARTNERS.iter().zip(batches) {
        let secret = match existing.iter().find(|p| p.name == partner.name) {
            Some(found) => {
                let secret = partners::rotate(db, master, None, found.id)
                    .await
                    .map_err(|e| e.to_string())?;
                partners::retire_old_secrets(db, None, found.id)
                    .await
                    .map_err(|e| e.to_string())?;
                secret
            }
            None => {
                let request = CreatePartnerRequest {
                    name: partner.name.to_owned(),
                    kinds: partner.kinds.iter().map(|k| (*k).to_owned()).collect(),
                };
                partners::create(db, master, None, request)
                    .await
                    .map_err(|e| e.to_string())?
                    .1
            }
        };
        let sender = Sender {
            base_url,
            partner_id: secret.partner_id.0,
            secret: &secret.secret,
        };
        tallies.push((partner.name, send(&sender, &records).await?));
    }
    Ok(tallies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_day_make_the_same_records() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).unwrap();
        let plan = Plan {
            days: 7,
            bad_share: 0.2,
            seed: 7,
        };
        assert_eq!(records(plan, now), records(plan, now));
        let [bus, fuel, charge] = records(plan, now);
        assert!(!bus.is_empty());
        assert!(bus.len() + fuel.len() + charge.len() > 20);
    }

    #[test]
    fn no_bad_share_means_no_spoiled_records() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).unwrap();
        let [bus, _, _] = records(
            Plan {
                days: 14,
                bad_share: 0.0,
                seed: 1,
            },
            now,
        );
        assert!(
            bus.iter()
                .all(|r| r["quantity"].is_number() && r["quantity"].as_f64() < Some(20.0))
        );
        let ids: std::collections::HashSet<_> =
            bus.iter().map(|r| r["external_id"].to_string()).collect();
        assert_eq!(ids.len(), bus.len(), "no duplicates");
    }
}
