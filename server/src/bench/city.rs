//! A city to read from, for the read benchmarks: the API served over the
//! scratch database as `tanpu serve` serves it, a partner, citizens with
//! bound transit cards, and a month of their bus and metro rides credited
//! through the partner API — so the actions, the ledger, the daily totals
//! and the roll-ups a citizen's pages read are what crediting wrote, not a
//! guess at it. Citizens are signed in by minting access tokens with the
//! server's key, as sign-in does (the rate-limited password check is not
//! what these benchmarks measure).

use crate::config::{
    Config, Mode, PartnerLimitArgs, Secret, ServeArgs, StoredSecrets, TimeoutArgs,
};
use crate::entities::{bindings as binding_rows, users};
use crate::progress::Progress;
use crate::routes::AppState;
use crate::services::bindings::subject_hash;
use crate::services::citizen_cache::CitizenCache;
use crate::services::tokens::AccessTokens;
use crate::services::webhook::SigningKey;
use crate::services::{accounts, partners, rules};
use chrono::{Duration as Days, FixedOffset, NaiveTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tanpu_core::UserId;
use tanpu_core::account::{Login, Role};
use tanpu_core::api::CreatePartnerRequest;
use tanpu_core::binding::{Subject, SubjectType};
use tanpu_core::rules::calendar::city_date;

/// Records per partner batch.
const BATCH: usize = 1_000;
/// Days of history: inside the seed rules' 30-day claim window.
const DAYS: u32 = 28;

/// The running API and what it takes to act in it.
pub struct City {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The same API on the same database with a citizen cache that never
    /// serves: what every request costs when nothing is remembered (a
    /// citizen's first read after a change).
    pub unremembered_base: String,
    tokens: AccessTokens,
    client: reqwest::Client,
    binding_key: Secret,
    partner: i64,
    signing: SigningKey,
    serial: u64,
}

/// A citizen of the scratch city.
#[derive(Clone, Debug)]
pub struct Citizen {
    /// Who.
    pub id: UserId,
    card: String,
}

impl Citizen {
    /// The transit card bound to them.
    #[must_use]
    pub fn card(&self) -> &str {
        &self.card
    }
}

/// Serves `state` on 127.0.0.1:0 in the background; its base URL.
async fn serve(state: AppState) -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("set-up: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("set-up: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = crate::http::serve(listener, state, std::future::pending()).await {
            tracing::error!(error = %e, "bench server failed");
        }
    });
    Ok(format!("http://{addr}"))
}

impl City {
    /// Seeds the rules, creates the partner (bus and metro rides) and starts
    /// the API on 127.0.0.1:0 over `db`.
    ///
    /// # Errors
    /// Set-up failed or the port could not be bound.
    pub async fn start(db: &DatabaseConnection) -> Result<Self, String> {
        let failed = |e: &dyn std::fmt::Display| format!("set-up: {e}");
        rules::ensure_seeded(db).await.map_err(|e| failed(&e))?;
        let jwt = Secret::new("bench-jwt-secret-0123456789abcdef".to_owned());
        let binding_key = Secret::new("bench-binding-key-0123456789abcdef".to_owned());
        let partner_key = Secret::new("bench-partner-key-0123456789abcdef".to_owned());
        let (partner, secret) = partners::create(
            db,
            &partner_key,
            None,
            CreatePartnerRequest {
                name: "bench transit company".to_owned(),
                kinds: vec!["bus_ride".to_owned(), "metro_ride".to_owned()],
            },
        )
        .await
        .map_err(|e| failed(&e))?;
        let config = Config::resolve(
            ServeArgs {
                bind: "127.0.0.1:0".parse().map_err(|e| failed(&e))?,
                dist: std::env::temp_dir().join("tanpu-bench-no-dist"),
                jwt_secret: Some(jwt.clone()),
                binding_key: Some(binding_key.clone()),
                partner_key: Some(partner_key),
                mode: Mode::Production,
                login_limit_per_minute: 20,
                login_account_limit: 10,
                register_limit_per_hour: 30,
                preview_limit_per_minute: 30,
                trust_proxy: false,
                // The bench measures ingest as fast as the server can go;
                // the per-partner limit would measure itself instead.
                partner_limit: PartnerLimitArgs {
                    partner_records_per_second: 0,
                    ..Default::default()
                },
                timeouts: TimeoutArgs::default(),
            },
            StoredSecrets::default(),
        )
        .map_err(|e| failed(&e))?;
        let state = AppState::new(db.clone(), config.clone()).map_err(|e| failed(&e))?;
        let base = serve(state).await?;
        let unremembering = AppState::with_citizens(db.clone(), config, CitizenCache::new(false))
            .map_err(|e| failed(&e))?;
        let unremembered_base = serve(unremembering).await?;
        Ok(Self {
            base,
            unremembered_base,
            tokens: AccessTokens::new(&jwt).map_err(|e| failed(&e))?,
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(4)
                .build()
                .map_err(|e| failed(&e))?,
            binding_key,
            partner: partner.id.0,
            signing: SigningKey::from_secret(&secret.secret)
                .ok_or("set-up: the partner secret is unusable")?,
            serial: 0,
        })
    }

    /// The partner's id, for the `tanpu-partner` header.
    #[must_use]
    pub fn partner(&self) -> i64 {
        self.partner
    }

    /// The partner's signing key, for requests of one's own.
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// A fresh access token for `user`, as sign-in issues.
    ///
    /// # Errors
    /// Signing failed.
    pub fn token(&self, user: UserId) -> Result<String, String> {
        self.tokens
            .issue(user, Utc::now())
            .map(|(token, _)| token)
            .map_err(|e| e.to_string())
    }

    /// `count` citizens named `<prefix>-<n>@bench.invalid` (unusable
    /// passwords), each with a bound transit card.
    ///
    /// # Errors
    /// The rows could not be written.
    pub async fn citizens(
        &self,
        db: &DatabaseConnection,
        prefix: &str,
        count: u32,
    ) -> Result<Vec<Citizen>, String> {
        let now = Utc::now();
        let failed = |what: &str, e: &dyn std::fmt::Display| format!("set-up ({what}): {e}");
        let logins: Vec<String> = (0..count)
            .map(|i| format!("{prefix}-{i:07}@bench.invalid"))
            .collect();
        for chunk in logins.chunks(1_000) {
            users::Entity::insert_many(chunk.iter().map(|login| users::ActiveModel {
                login: Set(login.clone()),
                nickname: Set("bench".to_owned()),
                password_hash: Set("!".to_owned()),
                role: Set("citizen".to_owned()),
                consent_version: Set("bench".to_owned()),
                consent_at: Set(now),
                created_at: Set(now),
                ..Default::default()
            }))
            .exec_without_returning(db)
            .await
            .map_err(|e| failed("users", &e))?;
        }
        let ids: Vec<i64> = users::Entity::find()
            .filter(users::Column::Login.like(format!("{prefix}-%@bench.invalid")))
            .all(db)
            .await
            .map_err(|e| failed("users", &e))?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let mut citizens = Vec::with_capacity(ids.len());
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            let card = format!("3300{id:012}");
            let subject =
                Subject::parse(SubjectType::TransitCard, &card).map_err(|e| failed("card", &e))?;
            rows.push(binding_rows::ActiveModel {
                user_id: Set(id),
                kind: Set(SubjectType::TransitCard.as_str().to_owned()),
                value_hash: Set(subject_hash(&self.binding_key, &subject)),
                masked: Set(subject.masked()),
                created_at: Set(now),
                removed_at: Set(None),
                ..Default::default()
            });
            citizens.push(Citizen {
                id: UserId(id),
                card,
            });
        }
        while !rows.is_empty() {
            let chunk: Vec<_> = rows.drain(..rows.len().min(1_000)).collect();
            binding_rows::Entity::insert_many(chunk)
                .exec_without_returning(db)
                .await
                .map_err(|e| failed("bindings", &e))?;
        }
        Ok(citizens)
    }

    /// An administrator (real password hash), for the administrators'
    /// pages.
    ///
    /// # Errors
    /// The account could not be created.
    pub async fn admin(&self, db: &DatabaseConnection) -> Result<UserId, String> {
        let admin = accounts::create_user(
            db,
            accounts::NewUser {
                login: Login::parse("bench-admin@tanpu.invalid").map_err(|e| e.to_string())?,
                nickname: "bench".into(),
                password: "bench-only-2026".into(),
                role: Role::Admin,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(admin.id)
    }

    /// `rides` bus and metro rides for each of `citizens`, spread over the
    /// last four weeks, sent to the partner API in signed batches of 1,000
    /// and decided and credited there. Returns how many were accepted.
    ///
    /// # Errors
    /// A batch was refused.
    pub async fn ride_history(&mut self, citizens: &[Citizen], rides: u32) -> Result<u64, String> {
        let total = citizens.len() as u64 * u64::from(rides);
        let mut progress = Progress::new("rides credited", total);
        let mut accepted = 0;
        let mut records = Vec::with_capacity(BATCH);
        let per_day = rides.div_ceil(DAYS).max(1);
        for ride in 0..rides {
            for citizen in citizens {
                records.push(self.ride(citizen, ride, per_day)?);
                if records.len() == BATCH {
                    accepted += self.send(&records).await?;
                    progress.advance(records.len() as u64);
                    records.clear();
                }
            }
        }
        if !records.is_empty() {
            accepted += self.send(&records).await?;
            progress.advance(records.len() as u64);
        }
        progress.finish();
        Ok(accepted)
    }

    /// The `n`th ride of a citizen who rides `per_day` times a day: days
    /// back from yesterday, 50 minutes apart from 07:00 city time, bus and
    /// metro in turn, 1.0–3.9 km.
    fn ride(&mut self, citizen: &Citizen, n: u32, per_day: u32) -> Result<Value, String> {
        self.serial += 1;
        let city = FixedOffset::east_opt(8 * 3600).ok_or("the city's offset")?;
        let day = city_date(Utc::now()) - Days::days(1 + i64::from(n / per_day));
        let start = day
            .and_time(NaiveTime::from_hms_opt(7, 0, 0).ok_or("07:00")?)
            .and_local_timezone(city)
            .single()
            .ok_or("a city time")?
            + Days::minutes(50 * i64::from(n % per_day));
        let km = f64::from(10 + n % 30) / 10.0;
        let kind = if n.is_multiple_of(2) {
            "bus_ride"
        } else {
            "metro_ride"
        };
        Ok(json!({
            "external_id": format!("SEED-{}", self.serial),
            "kind": kind,
            "subject": {"type": "transit_card", "value": citizen.card},
            "started_at": start.to_rfc3339(),
            "ended_at": (start + Days::minutes(25)).to_rfc3339(),
            "quantity": km,
            "unit": "km",
            "attributes": {"route": "K5", "district": "东昌府区"},
        }))
    }

    /// Sends one signed batch; returns how many records were accepted.
    async fn send(&mut self, records: &[Value]) -> Result<u64, String> {
        self.serial += 1;
        let body = json!({ "records": records }).to_string();
        let id = format!("msg_seed_{}", self.serial);
        let ts = Utc::now().timestamp();
        let res = self
            .client
            .post(format!("{}/api/v1/partner/actions/batch", self.base))
            .header("tanpu-partner", self.partner.to_string())
            .header("webhook-id", &id)
            .header("webhook-timestamp", ts.to_string())
            .header(
                "webhook-signature",
                self.signing.sign(&id, ts, body.as_bytes()),
            )
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("set-up (rides): {e}"))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("set-up (rides): {status}: {text}"));
        }
        let answer: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        Ok(answer["results"].as_array().map_or(0, |r| {
            r.iter().filter(|x| x["status"] == "accepted").count() as u64
        }))
    }
}
