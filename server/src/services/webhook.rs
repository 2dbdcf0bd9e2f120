//! Partner request signatures, in the Standard Webhooks style.
//!
//! A partner sends `webhook-id`, `webhook-timestamp` (unix seconds) and
//! `webhook-signature: v1,<base64 HMAC-SHA256>` over `id.timestamp.body`,
//! keyed with the bytes of its secret (`whsec_` + base64 of 32 bytes).
//! Several space-separated signatures are accepted, so a partner rotating its
//! secret can sign with both. The comparison is constant-time, on the raw
//! bytes, before anything of the body is parsed; a timestamp more than five
//! minutes away from the server's clock is refused, which bounds how long a
//! captured request could be replayed (and the server remembers ids for that
//! long).
//!
//! Partner secrets are never stored: each is derived from the server's
//! partner master key and a random per-secret nonce, so a stolen database
//! holds nothing that signs requests.

use crate::config::Secret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from the server's clock.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// The prefix of every partner secret.
pub const SECRET_PREFIX: &str = "whsec_";

type HmacSha256 = Hmac<Sha256>;

/// Why a signed request was refused. Partners get one answer (401) for all
/// of them; the variant goes to the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A required header is missing or not text.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not an integer.
    #[error("the timestamp is not unix seconds")]
    BadTimestamp,
    /// The timestamp is more than [`TOLERANCE_SECS`] away from now.
    #[error("the timestamp is outside the tolerance")]
    OutsideTolerance,
    /// No `v1` signature matched any active secret.
    #[error("no signature matches")]
    NoMatch,
}

/// The signing key of one partner secret (the decoded bytes).
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// The key a partner's secret stands for: HMAC-SHA256 under the master
    /// key of the partner id and the secret's nonce.
    #[must_use]
    pub fn derive(master: &Secret, partner_id: i64, nonce: &str) -> Self {
        let mut mac = HmacSha256::new_from_slice(master.expose().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(format!("tanpu-partner-secret:v1:{partner_id}:{nonce}").as_bytes());
        Self(mac.finalize().into_bytes().into())
    }

    /// Parses a `whsec_…` secret (as partners hold it).
    #[must_use]
    pub fn from_secret(secret: &str) -> Option<Self> {
        let bytes = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The secret to hand to the partner: `whsec_` + base64 of the key.
    #[must_use]
    pub fn to_secret(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(self.0))
    }

    /// The `v1,<base64>` signature of a request (what a partner computes).
    #[must_use]
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = self.mac(msg_id, &timestamp.to_string(), body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    fn mac(&self, msg_id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

/// The three headers of a signed request.
#[derive(Clone, Copy, Debug)]
pub struct SignedHeaders<'a> {
    /// `webhook-id`.
    pub id: &'a str,
    /// `webhook-timestamp`, as sent.
    pub timestamp: &'a str,
    /// `webhook-signature`.
    pub signature: &'a str,
}

/// Checks a request against every active key of its partner.
///
/// # Errors
/// [`SignatureError`] for a bad timestamp or no matching signature.
pub fn verify(
    keys: &[SigningKey],
    headers: SignedHeaders<'_>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let ts: i64 = headers
        .timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    // `abs_diff`: any i64 can arrive, and `now - ts` overflows for the
    // extremes (found by the `signature_header` fuzz target).
    if now.abs_diff(ts) > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::OutsideTolerance);
    }
    let candidates: Vec<Vec<u8>> = headers
        .signature
        .split(' ')
        .filter_map(|sig| sig.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .collect();
    // Every key against every signature, each comparison constant-time.
    let matched = keys.iter().any(|key| {
        candidates.iter().any(|sig| {
            key.mac(headers.id, headers.timestamp.trim(), body)
                .verify_slice(sig)
                .is_ok()
        })
    });
    if matched {
        Ok(())
    } else {
        Err(SignatureError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Signatures made by Python's standard `hmac` (tests/data), not by us.
    #[test]
    fn the_signature_matrix_from_an_independent_implementation() {
        let data: Value =
            serde_json::from_str(include_str!("../../tests/data/webhook_signatures.json")).unwrap();
        let key = SigningKey::from_secret(data["secret"].as_str().unwrap()).unwrap();
        let now = data["now"].as_i64().unwrap();
        for case in data["cases"].as_array().unwrap() {
            let headers = SignedHeaders {
                id: case["id"].as_str().unwrap(),
                timestamp: case["timestamp"].as_str().unwrap(),
                signature: case["signature"].as_str().unwrap(),
            };
            let body = case["body"].as_str().unwrap().as_bytes();
            let result = verify(std::slice::from_ref(&key), headers, body, now);
            assert_eq!(
                result.is_ok(),
                case["ok"].as_bool().unwrap(),
                "{}: {result:?}",
                case["name"]
            );
        }
    }

    #[test]
    fn during_rotation_either_secret_verifies() {
        let data: Value =
            serde_json::from_str(include_str!("../../tests/data/webhook_signatures.json")).unwrap();
        let old = SigningKey::from_secret(data["secret"].as_str().unwrap()).unwrap();
        let new = SigningKey::from_secret(data["other_secret"].as_str().unwrap()).unwrap();
        let body = br#"{"records":[]}"#;
        let now = 1_800_000_000;
        for signer in [&old, &new] {
            let signature = signer.sign("msg_1", now, body);
            let headers = SignedHeaders {
                id: "msg_1",
                timestamp: &now.to_string(),
                signature: &signature,
            };
            assert!(verify(&[old.clone(), new.clone()], headers, body, now).is_ok());
        }
        let signature = new.sign("msg_1", now, body);
        let headers = SignedHeaders {
            id: "msg_1",
            timestamp: &now.to_string(),
            signature: &signature,
        };
        assert_eq!(
            verify(&[old], headers, body, now),
            Err(SignatureError::NoMatch),
            "after retiring"
        );
    }

    #[test]
    fn timestamps_at_the_ends_of_the_range_are_refused_without_overflow() {
        let key = SigningKey([1; 32]);
        let now = 1_796_170_030;
        for (ts, now, fresh) in [
            // `now - ts` overflowed: a panic with overflow checks, and in a
            // release build the third wrapped to i64::MIN, whose `abs()` is
            // negative, so it passed as fresh.
            (-i64::MAX, now, false),
            (i64::MIN, now, false),
            (now + i64::MIN, now, false),
            (i64::MAX, i64::MIN, false),
            (i64::MIN, i64::MIN + TOLERANCE_SECS, true),
            (i64::MAX, i64::MAX, true),
        ] {
            let timestamp = ts.to_string();
            let signature = key.sign("msg_1", ts, b"{}");
            let headers = SignedHeaders {
                id: "msg_1",
                timestamp: &timestamp,
                signature: &signature,
            };
            let expected = if fresh {
                Ok(())
            } else {
                Err(SignatureError::OutsideTolerance)
            };
            assert_eq!(
                verify(std::slice::from_ref(&key), headers, b"{}", now),
                expected,
                "ts {ts}, now {now}"
            );
        }
    }

    #[test]
    fn secrets_round_trip_and_derivation_depends_on_every_input() {
        let master = Secret::new("p".repeat(32));
        let key = SigningKey::derive(&master, 1, "nonce-a");
        let secret = key.to_secret();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(SigningKey::from_secret(&secret).unwrap().0, key.0);
        assert_ne!(SigningKey::derive(&master, 2, "nonce-a").0, key.0);
        assert_ne!(SigningKey::derive(&master, 1, "nonce-b").0, key.0);
        assert_ne!(
            SigningKey::derive(&Secret::new("q".repeat(32)), 1, "nonce-a").0,
            key.0
        );
        assert!(
            SigningKey::from_secret("whsec_c2hvcnQ=").is_none(),
            "too short"
        );
        assert!(SigningKey::from_secret("sk_live_x").is_none());
    }
}
