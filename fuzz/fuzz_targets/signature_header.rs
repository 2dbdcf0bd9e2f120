//! Partner request signatures (`tanpu_server::services::webhook::verify`):
//! the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers and
//! the body, as a partner (or anyone) sends them.
//!
//! The input reads like the request it stands for, so the seeds are real
//! requests: header lines `name: value`, an optional `now: <unix seconds>`
//! line (the server's clock), a blank line, then the body bytes.
//!
//! Properties:
//! - `verify` never panics, whatever the headers, body and clock;
//! - soundness: whenever it accepts, the timestamp is within the tolerance
//!   and one `v1,` signature is the HMAC-SHA256 of `id.timestamp.body`
//!   under one of the keys, recomputed here with the `hmac` crate itself
//!   (not with the server's code);
//! - completeness: the same request with an honest signature added among
//!   the sent ones verifies exactly when its timestamp is within the
//!   tolerance, and `SigningKey::sign` agrees with the independent HMAC.

#![no_main]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;
use tanpu_server::services::webhook::{SignedHeaders, SigningKey, TOLERANCE_SECS, verify};

/// The key of `server/tests/data/webhook_signatures.json` (bytes 0..=31),
/// so the seeds can be the independent test vectors.
const KEY: [u8; 32] = {
    let mut key = [0_u8; 32];
    let mut i = 0;
    while i < 32 {
        key[i] = i as u8;
        i += 1;
    }
    key
};

/// A second active key (a partner rotating its secret).
const OTHER_KEY: [u8; 32] = [7; 32];

/// The clock when the input names none: 30 s after the seeds' timestamp.
const DEFAULT_NOW: i64 = 1_796_170_030;

struct Request<'a> {
    id: String,
    timestamp: String,
    signature: String,
    now: i64,
    body: &'a [u8],
}

/// Header lines up to the first blank line, then the body. Missing headers
/// are empty (the server refuses them before `verify`; `verify` must still
/// cope).
fn read_request(data: &[u8]) -> Request<'_> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut request = Request {
        id: String::new(),
        timestamp: String::new(),
        signature: String::new(),
        now: DEFAULT_NOW,
        body,
    };
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        // HTTP trims optional whitespace around a header value.
        let value = value.trim_matches([' ', '\t']).to_owned();
        match name.trim().to_ascii_lowercase().as_str() {
            "webhook-id" => request.id = value,
            "webhook-timestamp" => request.timestamp = value,
            "webhook-signature" => request.signature = value,
            "now" => {
                if let Ok(now) = value.trim().parse() {
                    request.now = now;
                }
            }
            _ => {}
        }
    }
    request
}

fn hmac(key: &[u8; 32], id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// Whether the timestamp is within the tolerance, in exact arithmetic.
fn fresh(timestamp: &str, now: i64) -> bool {
    timestamp
        .trim()
        .parse::<i64>()
        .is_ok_and(|ts| (i128::from(now) - i128::from(ts)).abs() <= i128::from(TOLERANCE_SECS))
}

fn key(bytes: &[u8; 32]) -> SigningKey {
    SigningKey::from_secret(&format!("whsec_{}", STANDARD.encode(bytes))).expect("a 32-byte key")
}

fuzz_target!(|data: &[u8]| {
    let request = read_request(data);
    let keys = [key(&KEY), key(&OTHER_KEY)];
    let headers = SignedHeaders {
        id: &request.id,
        timestamp: &request.timestamp,
        signature: &request.signature,
    };

    // Soundness: an accepted request carries a real signature.
    if verify(&keys, headers, request.body, request.now).is_ok() {
        assert!(
            fresh(&request.timestamp, request.now),
            "stale request accepted"
        );
        let signed_ts = request.timestamp.trim();
        let expected = [KEY, OTHER_KEY].map(|k| hmac(&k, &request.id, signed_ts, request.body));
        let genuine = request
            .signature
            .split(' ')
            .filter_map(|s| s.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .any(|sig| expected.contains(&sig));
        assert!(genuine, "accepted a signature not made with the key");
    }
    // Only one key of the two: a signature of the other never verifies.
    if verify(&keys[1..], headers, request.body, request.now).is_ok() {
        let expected = hmac(
            &OTHER_KEY,
            &request.id,
            request.timestamp.trim(),
            request.body,
        );
        assert!(
            request
                .signature
                .split(' ')
                .filter_map(|s| s.strip_prefix("v1,"))
                .filter_map(|b64| STANDARD.decode(b64).ok())
                .any(|sig| sig == expected),
            "a retired key's signature verified"
        );
    }

    // Completeness: an honest signature among whatever else was sent.
    let ts = request
        .timestamp
        .trim()
        .parse::<i64>()
        .unwrap_or(request.now);
    let honest = keys[0].sign(&request.id, ts, request.body);
    assert_eq!(
        honest,
        format!(
            "v1,{}",
            STANDARD.encode(hmac(&KEY, &request.id, &ts.to_string(), request.body))
        ),
        "sign() disagrees with HMAC-SHA256"
    );
    let timestamp = ts.to_string();
    let signature = format!("{} {honest}", request.signature);
    let with_honest = SignedHeaders {
        id: &request.id,
        timestamp: &timestamp,
        signature: &signature,
    };
    assert_eq!(
        verify(&keys, with_honest, request.body, request.now).is_ok(),
        fresh(&timestamp, request.now),
        "an honest signature is accepted exactly when the timestamp is fresh"
    );
    // The same signature does not cover another body.
    if let Some((&first, rest)) = request.body.split_first() {
        let mut tampered = vec![first ^ 1];
        tampered.extend_from_slice(rest);
        let only_honest = SignedHeaders {
            signature: &honest,
            ..with_honest
        };
        assert!(
            verify(&keys, only_honest, &tampered, request.now).is_err(),
            "a signature verified for a tampered body"
        );
    }
});
