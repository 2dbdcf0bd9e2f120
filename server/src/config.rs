//! Configuration: flags and `TANPU_*` environment variables, read once at
//! start into typed structs. A flag wins over its variable.
//!
//! Every command that touches the database shares [`DatabaseArgs`], so
//! `serve`, `migrate` and `demo seed` can never disagree about which database
//! they mean.

use clap::{Args, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The embedded default: a SQLite file under `./data`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tanpu.db";

/// The fewest bytes a production JWT secret may have (HS256 wants a key at
/// least as long as its 256-bit output).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

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
    /// `production` refuses to start without secrets; `demo` generates them.
    #[arg(long, env = "TANPU_MODE", value_enum, default_value = "production")]
    pub mode: Mode,
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
    /// Production or demo.
    pub mode: Mode,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Production mode without `TANPU_JWT_SECRET`.
    #[error(
        "TANPU_JWT_SECRET is not set: production mode needs a signing key of at least {MIN_JWT_SECRET_BYTES} bytes (or run with TANPU_MODE=demo)"
    )]
    MissingJwtSecret,
    /// A key too short to be safe.
    #[error("TANPU_JWT_SECRET is {0} bytes long; it must have at least {MIN_JWT_SECRET_BYTES}")]
    WeakJwtSecret(usize),
}

impl Config {
    /// Checks the flags. `stored_demo_secret` is called only in demo mode
    /// when no secret was given, and returns the one kept in the database.
    ///
    /// # Errors
    /// [`ConfigError`] when a required secret is missing or too short.
    pub fn resolve(args: ServeArgs, demo_secret: Option<Secret>) -> Result<Self, ConfigError> {
        let jwt_secret = match (args.jwt_secret, args.mode, demo_secret) {
            (Some(secret), _, _) => secret,
            (None, Mode::Demo, Some(generated)) => generated,
            (None, _, _) => return Err(ConfigError::MissingJwtSecret),
        };
        let len = jwt_secret.expose().len();
        if len < MIN_JWT_SECRET_BYTES {
            return Err(ConfigError::WeakJwtSecret(len));
        }
        Ok(Self {
            bind: args.bind,
            dist: args.dist,
            jwt_secret,
            mode: args.mode,
        })
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
            mode,
        }
    }

    #[test]
    fn production_without_a_secret_refuses_to_start() {
        let err = Config::resolve(args(None, Mode::Production), None).unwrap_err();
        assert!(matches!(err, ConfigError::MissingJwtSecret));
    }

    #[test]
    fn short_secrets_are_refused() {
        let err = Config::resolve(args(Some("short"), Mode::Production), None).unwrap_err();
        assert!(matches!(err, ConfigError::WeakJwtSecret(5)));
    }

    #[test]
    fn demo_mode_uses_the_stored_secret() {
        let stored = Secret::new("s".repeat(43));
        let config = Config::resolve(args(None, Mode::Demo), Some(stored.clone())).unwrap();
        assert_eq!(config.jwt_secret, stored);
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
