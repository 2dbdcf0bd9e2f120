//! Access tokens: short-lived JWTs (HS256, pinned) that name a user.
//!
//! The token carries only who (`sub`), for whom (`aud`), from whom (`iss`) and
//! until when (`exp`); the role and the frozen flag are read from the
//! database on every request, so revoking a role or freezing an account takes
//! effect at once rather than when a token expires.

use super::{ServiceError, ServiceResult};
use crate::config::Secret;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tanpu_core::UserId;

/// The `iss` of every token we sign.
pub const ISSUER: &str = "tanpu";
/// The `aud` of access tokens for this API.
pub const AUDIENCE: &str = "tanpu-api";
/// How long an access token lives.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// Clock skew tolerated on `exp`, in seconds.
const LEEWAY_SECONDS: u64 = 30;

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Signs and checks access tokens with one key.
#[derive(Clone)]
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl AccessTokens {
    /// Tokens signed with `secret` (HMAC-SHA256).
    ///
    /// # Errors
    /// An empty secret (configuration refuses those before we get here).
    pub fn new(secret: &Secret) -> ServiceResult<Self> {
        let key = secret.expose().as_bytes();
        let bad_key = |e| ServiceError::Internal(format!("unusable JWT key: {e}"));
        // Pinned: a token whose header names any other algorithm (`none`,
        // RS256 with our key as a "public key", …) is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(key).map_err(bad_key)?,
            decoding: DecodingKey::from_secret(key).map_err(bad_key)?,
            validation,
        })
    }

    /// A token for `user`, valid from `now` for [`ACCESS_TOKEN_SECONDS`].
    /// Returns the token and its lifetime in seconds.
    ///
    /// # Errors
    /// Signing failed (a bug).
    pub fn issue(&self, user: UserId, now: DateTime<Utc>) -> ServiceResult<(String, u64)> {
        let claims = Claims {
            sub: user.to_string(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + ACCESS_TOKEN_SECONDS,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ServiceError::Internal(format!("cannot sign a token: {e}")))?;
        Ok((token, ACCESS_TOKEN_SECONDS.unsigned_abs()))
    }

    /// The user a token names, if it is ours, unaltered, for this API, and
    /// not expired.
    ///
    /// # Errors
    /// [`ServiceError::Unauthenticated`] for any flaw, without saying which.
    pub fn verify(&self, token: &str) -> ServiceResult<UserId> {
        let invalid = || ServiceError::Unauthenticated("the access token is invalid or expired");
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| invalid())?;
        data.claims
            .sub
            .parse::<i64>()
            .map(UserId)
            .map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&Secret::new("k".repeat(32))).unwrap()
    }

    /// Builds a token by hand: header and claims as given, signed with
    /// HS256 under `key` (or unsigned when `key` is `None`).
    fn forge(header: serde_json::Value, claims: serde_json::Value, key: Option<&[u8]>) -> String {
        use hmac::{Hmac, Mac};
        let head = URL_SAFE_NO_PAD.encode(header.to_string());
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{head}.{body}");
        let signature = key.map_or_else(String::new, |key| {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        });
        format!("{signing_input}.{signature}")
    }

    fn good_claims() -> serde_json::Value {
        let now = Utc::now().timestamp();
        json!({"sub": "7", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600})
    }

    #[test]
    fn a_token_we_issued_names_its_user() {
        let (token, ttl) = tokens().issue(UserId(7), Utc::now()).unwrap();
        assert_eq!(ttl, 900);
        assert_eq!(tokens().verify(&token).unwrap(), UserId(7));
        let forged = forge(
            json!({"alg": "HS256", "typ": "JWT"}),
            good_claims(),
            Some(&[b'k'; 32]),
        );
        assert_eq!(
            tokens().verify(&forged).unwrap(),
            UserId(7),
            "the forger itself is sound"
        );
    }

    #[test]
    fn attacks_on_the_token_are_refused() {
        let key: &[u8] = &[b'k'; 32];
        let hs256 = json!({"alg": "HS256", "typ": "JWT"});
        let now = Utc::now().timestamp();
        let mut tampered = forge(hs256.clone(), good_claims(), Some(key));
        tampered = tampered.replacen('.', ".e", 1);
        let cases = [
            (
                "alg none",
                forge(json!({"alg": "none"}), good_claims(), None),
            ),
            (
                "another algorithm",
                forge(json!({"alg": "HS512"}), good_claims(), Some(key)),
            ),
            (
                "wrong key",
                forge(hs256.clone(), good_claims(), Some(&[b'x'; 32])),
            ),
            ("tampered payload", tampered),
            (
                "expired beyond leeway",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "iss": ISSUER, "aud": AUDIENCE, "exp": now - 120}),
                    Some(key),
                ),
            ),
            (
                "wrong audience",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "iss": ISSUER, "aud": "partner", "exp": now + 600}),
                    Some(key),
                ),
            ),
            (
                "missing audience",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "iss": ISSUER, "exp": now + 600}),
                    Some(key),
                ),
            ),
            (
                "wrong issuer",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "iss": "evil", "aud": AUDIENCE, "exp": now + 600}),
                    Some(key),
                ),
            ),
            (
                "missing issuer",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "aud": AUDIENCE, "exp": now + 600}),
                    Some(key),
                ),
            ),
            (
                "exp as a string",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "iss": ISSUER, "aud": AUDIENCE, "exp": (now + 600).to_string()}),
                    Some(key),
                ),
            ),
            (
                "no exp",
                forge(
                    hs256.clone(),
                    json!({"sub": "7", "iss": ISSUER, "aud": AUDIENCE}),
                    Some(key),
                ),
            ),
            (
                "no sub",
                forge(
                    hs256,
                    json!({"iss": ISSUER, "aud": AUDIENCE, "exp": now + 600}),
                    Some(key),
                ),
            ),
            ("garbage", "not.a.token".to_owned()),
        ];
        for (attack, token) in cases {
            assert!(
                matches!(
                    tokens().verify(&token),
                    Err(ServiceError::Unauthenticated(_))
                ),
                "{attack} was accepted"
            );
        }
    }
}
