//! Configuration: flags and `TANPU_*` environment variables, read once at
//! start into typed structs. A flag wins over its variable.
//!
//! Every command that touches the database shares [`DatabaseArgs`], so
//! `serve`, `migrate` and `demo seed` can never disagree about which database
//! they mean.

use crate::services::partner_limit::PartnerIngestLimit;
use crate::services::rate_limit::Limits;
use clap::{Args, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The embedded default: a SQLite file under `./data`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tanpu.db";

/// The fewest bytes a secret key may have (HS256 and HMAC-SHA256 want a key
/// at least as long as their 256-bit output).
pub const MIN_SECRET_BYTES: usize = 32;

/// Which database to use.
#[derive(Args, Clone, Debug)]
pub struct DatabaseArgs {
    /// `sqlite://path/to/file.db` or `postgres://user@host:port/db`.
    #[arg(
        long = "database-url",
        env = "TANPU_DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        global = true
    )]
    pub url: String,
}

/// How strict start-up is about secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Every secret must be given; nothing is generated.
    Production,
    /// Missing secrets are generated once and stored in the database, so a
    /// demo or a developer machine starts with no set-up.
    Demo,
}

/// A value that must never reach a log: `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself, for the one place that needs it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// Flags of `tanpu serve`.
#[derive(Args, Clone, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "TANPU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The Trunk build of the web app to serve.
    #[arg(long, env = "TANPU_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Key that signs access tokens (at least 32 bytes). Required in
    /// production mode; generated and stored in demo mode.
    #[arg(long, env = "TANPU_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// Key of the keyed hash under which card numbers and plates are stored
    /// (at least 32 bytes). Required in production mode; generated and stored
    /// in demo mode. Changing it orphans every binding.
    #[arg(long, env = "TANPU_BINDING_KEY", hide_env_values = true)]
    pub binding_key: Option<Secret>,
    /// Master key from which every partner's signing secret is derived (at
    /// least 32 bytes; partner secrets themselves are never stored).
    /// Required in production mode; generated and stored in demo mode.
    /// Changing it invalidates every partner secret.
    #[arg(long, env = "TANPU_PARTNER_KEY", hide_env_values = true)]
    pub partner_key: Option<Secret>,
    /// `production` refuses to start without secrets; `demo` generates them.
    #[arg(long, env = "TANPU_MODE", value_enum, default_value = "production")]
    pub mode: Mode,
    /// Login attempts allowed per client address per minute.
    #[arg(long, env = "TANPU_LOGIN_LIMIT_PER_MINUTE", default_value_t = 20)]
    pub login_limit_per_minute: u32,
    /// Login attempts allowed per account per 15 minutes.
    #[arg(long, env = "TANPU_LOGIN_ACCOUNT_LIMIT", default_value_t = 10)]
    pub login_account_limit: u32,
    /// Registrations allowed per client address per hour.
    #[arg(long, env = "TANPU_REGISTER_LIMIT_PER_HOUR", default_value_t = 10)]
    pub register_limit_per_hour: u32,
    /// Public rule previews allowed per client address per minute.
    #[arg(long, env = "TANPU_PREVIEW_LIMIT_PER_MINUTE", default_value_t = 60)]
    pub preview_limit_per_minute: u32,
    /// Take the client address from the last `X-Forwarded-For` hop (only
    /// behind a proxy that sets it; otherwise clients could pick their own).
    #[arg(long, env = "TANPU_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// The partner ingest limit.
    #[command(flatten)]
    pub partner_limit: PartnerLimitArgs,
    /// How long slow clients are waited for.
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
}

/// Flags of the partner ingest limit (see
/// [`crate::services::partner_limit`] for why records, and why in memory).
#[derive(Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartnerLimitArgs {
    /// Records per second each partner may send to this server (batches
    /// count their records); 0 = unlimited. The default is above what one
    /// server can ingest: it stops a runaway partner system, not a busy one.
    #[arg(
        long,
        env = "TANPU_PARTNER_RECORDS_PER_SECOND",
        default_value_t = PartnerLimitArgs::DEFAULT.partner_records_per_second
    )]
    pub partner_records_per_second: u32,
    /// Records a partner may send at once after a pause (two full batches
    /// by default).
    #[arg(
        long,
        env = "TANPU_PARTNER_BURST_RECORDS",
        default_value_t = PartnerLimitArgs::DEFAULT.partner_burst_records
    )]
    pub partner_burst_records: u32,
}

impl PartnerLimitArgs {
    /// The defaults: 50,000 records per second, bursts of 2,000.
    pub const DEFAULT: Self = Self {
        partner_records_per_second: 50_000,
        partner_burst_records: 2_000,
    };
}

impl Default for PartnerLimitArgs {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Flags bounding how long a slow (or malicious, "slowloris") client can
/// hold a connection or a request. 0 turns a timeout off.
#[derive(Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutArgs {
    /// Seconds a client has to send a request's line and headers; also how
    /// long a kept-alive connection may sit idle before the next request
    /// (keep a load balancer's idle timeout towards us below it).
    #[arg(
        long,
        env = "TANPU_HEADER_READ_TIMEOUT_SECS",
        default_value_t = TimeoutArgs::DEFAULT.header_read_timeout_secs
    )]
    pub header_read_timeout_secs: u64,
    /// Seconds a request body may pause between two pieces before the
    /// request is refused with 408 (a pause, not the whole upload: a large
    /// file import that keeps moving is never cut).
    #[arg(
        long,
        env = "TANPU_BODY_READ_TIMEOUT_SECS",
        default_value_t = TimeoutArgs::DEFAULT.body_read_timeout_secs
    )]
    pub body_read_timeout_secs: u64,
    /// Seconds a request may take until its answer starts, body reading
    /// included; then 503. File import uploads are exempt (they stream up
    /// to 100 MB; the body timeout still cuts one that stalls).
    #[arg(
        long,
        env = "TANPU_REQUEST_TIMEOUT_SECS",
        default_value_t = TimeoutArgs::DEFAULT.request_timeout_secs
    )]
    pub request_timeout_secs: u64,
}

impl TimeoutArgs {
    /// The defaults: 10 s for headers, 30 s of body silence, 30 s per
    /// request.
    pub const DEFAULT: Self = Self {
        header_read_timeout_secs: 10,
        body_read_timeout_secs: 30,
        request_timeout_secs: 30,
    };
}

impl Default for TimeoutArgs {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The resolved timeouts; `None` is no timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// For a request's line and headers, and an idle kept-alive connection.
    pub header_read: Option<Duration>,
    /// For each pause in a request body.
    pub body_read: Option<Duration>,
    /// For a whole request, until its answer starts (file imports exempt).
    pub request: Option<Duration>,
}

impl From<TimeoutArgs> for Timeouts {
    fn from(args: TimeoutArgs) -> Self {
        let secs = |s: u64| (s > 0).then(|| Duration::from_secs(s));
        Self {
            header_read: secs(args.header_read_timeout_secs),
            body_read: secs(args.body_read_timeout_secs),
            request: secs(args.request_timeout_secs),
        }
    }
}

/// Everything `tanpu serve` runs with, resolved and checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen.
    pub bind: SocketAddr,
    /// The web app's files.
    pub dist: PathBuf,
    /// The access-token signing key.
    pub jwt_secret: Secret,
    /// The binding hash key.
    pub binding_key: Secret,
    /// The partner-secret master key.
    pub partner_key: Secret,
    /// Production or demo.
    pub mode: Mode,
    /// Abuse limits.
    pub limits: Limits,
    /// Whether `X-Forwarded-For` names the client.
    pub trust_proxy: bool,
    /// Records per second per partner.
    pub partner_limit: PartnerIngestLimit,
    /// Slow-client timeouts.
    pub timeouts: Timeouts,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Production mode without a required secret.
    #[error(
        "{0} is not set: production mode needs a key of at least {MIN_SECRET_BYTES} bytes (or run with TANPU_MODE=demo)"
    )]
    MissingSecret(&'static str),
    /// A key too short to be safe.
    #[error("{0} is {1} bytes long; it must have at least {MIN_SECRET_BYTES}")]
    WeakSecret(&'static str, usize),
}

/// Secrets the demo mode generated earlier and keeps in the database.
#[derive(Clone, Debug, Default)]
pub struct StoredSecrets {
    /// For `TANPU_JWT_SECRET`.
    pub jwt_secret: Option<Secret>,
    /// For `TANPU_BINDING_KEY`.
    pub binding_key: Option<Secret>,
    /// For `TANPU_PARTNER_KEY`.
    pub partner_key: Option<Secret>,
}

impl Config {
    /// Checks the flags. In demo mode a secret that was not given is taken
    /// from `stored` (generated earlier and kept in the database).
    ///
    /// # Errors
    /// [`ConfigError`] when a required secret is missing or too short.
    pub fn resolve(args: ServeArgs, stored: StoredSecrets) -> Result<Self, ConfigError> {
        let demo = args.mode == Mode::Demo;
        let pick = |name: &'static str, given: Option<Secret>, stored: Option<Secret>| {
            let secret = given
                .or(stored.filter(|_| demo))
                .ok_or(ConfigError::MissingSecret(name))?;
            match secret.expose().len() {
                len if len < MIN_SECRET_BYTES => Err(ConfigError::WeakSecret(name, len)),
                _ => Ok(secret),
            }
        };
        Ok(Self {
            jwt_secret: pick("TANPU_JWT_SECRET", args.jwt_secret, stored.jwt_secret)?,
            binding_key: pick("TANPU_BINDING_KEY", args.binding_key, stored.binding_key)?,
            partner_key: pick("TANPU_PARTNER_KEY", args.partner_key, stored.partner_key)?,
            limits: Limits::new(
                args.login_limit_per_minute,
                args.login_account_limit,
                args.register_limit_per_hour,
            )
            .with_preview_per_minute(args.preview_limit_per_minute),
            trust_proxy: args.trust_proxy,
            partner_limit: PartnerIngestLimit {
                records_per_second: args.partner_limit.partner_records_per_second,
                burst_records: args.partner_limit.partner_burst_records,
            },
            timeouts: args.timeouts.into(),
            bind: args.bind,
            dist: args.dist,
            mode: args.mode,
        })
    }

    /// Whether [`Config::resolve`] will need stored secrets for `args`.
    #[must_use]
    pub fn needs_stored_secrets(args: &ServeArgs) -> bool {
        args.mode == Mode::Demo
            && (args.jwt_secret.is_none()
                || args.binding_key.is_none()
                || args.partner_key.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(secret: Option<&str>, mode: Mode) -> ServeArgs {
        ServeArgs {
            bind: "127.0.0.1:0".parse().unwrap(),
            dist: "dist".into(),
            jwt_secret: secret.map(|s| Secret::new(s.into())),
            binding_key: Some(Secret::new("b".repeat(32))),
            partner_key: Some(Secret::new("p".repeat(32))),
            mode,
            login_limit_per_minute: 20,
            login_account_limit: 10,
            register_limit_per_hour: 10,
            preview_limit_per_minute: 60,
            trust_proxy: false,
            partner_limit: PartnerLimitArgs::default(),
            timeouts: TimeoutArgs::default(),
        }
    }

    fn stored(value: &str) -> StoredSecrets {
        StoredSecrets {
            jwt_secret: Some(Secret::new(value.into())),
            binding_key: Some(Secret::new(value.into())),
            partner_key: Some(Secret::new(value.into())),
        }
    }

    #[test]
    fn production_without_a_secret_refuses_to_start() {
        let err =
            Config::resolve(args(None, Mode::Production), stored(&"s".repeat(43))).unwrap_err();
        assert!(matches!(
            err,
            ConfigError::MissingSecret("TANPU_JWT_SECRET")
        ));
    }

    #[test]
    fn short_secrets_are_refused() {
        let err = Config::resolve(
            args(Some("short"), Mode::Production),
            StoredSecrets::default(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ConfigError::WeakSecret("TANPU_JWT_SECRET", 5)
        ));
    }

    #[test]
    fn demo_mode_uses_the_stored_secrets() {
        let mut demo = args(None, Mode::Demo);
        demo.binding_key = None;
        assert!(Config::needs_stored_secrets(&demo));
        let config = Config::resolve(demo, stored(&"s".repeat(43))).unwrap();
        assert_eq!(config.jwt_secret.expose(), "s".repeat(43));
        assert_eq!(config.binding_key.expose(), "s".repeat(43));
    }

    #[test]
    fn a_zero_timeout_is_no_timeout() {
        let timeouts = Timeouts::from(TimeoutArgs {
            header_read_timeout_secs: 0,
            ..TimeoutArgs::DEFAULT
        });
        assert_eq!(timeouts.header_read, None);
        assert_eq!(timeouts.body_read, Some(Duration::from_secs(30)));
        assert_eq!(timeouts.request, Some(Duration::from_secs(30)));
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("whsec_top".into());
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Secret([redacted]) [redacted]"
        );
    }
}
