//! A partner record as received: its external id and its fields in domain
//! types, or why it is unreadable. Pure: no database.
//!
//! A request's records are read ([`Prepared::read`]) by the task that
//! received it, before it joins its partner's queue: reading and hashing
//! need nothing from the database, so they need not lengthen the write
//! turn, in which everything else waits (`super::queue`).

use crate::config::Secret;
use crate::services::bindings::subject_hash;
use serde::Deserialize;
use serde_json::Value;
use tanpu_core::api::PartnerRecord;
use tanpu_core::binding::Subject;
use tanpu_core::rules::{Action, ActionKind, Quantity, Unit};

/// The longest external id a partner may use, in bytes.
pub(super) const EXTERNAL_ID_MAX_BYTES: usize = 128;

/// A readable record.
pub(super) struct Incoming {
    /// The partner's id for it, trimmed.
    pub(super) external_id: String,
    /// The record as sent.
    pub(super) record: PartnerRecord,
    /// What it describes.
    pub(super) action: Action,
    /// Whose card or plate, normalised; `None` when the value is not a
    /// well-formed card or plate (then it can be bound to nobody).
    pub(super) subject: Option<Subject>,
    /// The record's attributes as they are stored (a JSON object): written
    /// out here, while the record is read, rather than in the write turn.
    pub(super) attributes_json: String,
}

/// A record that is answered `invalid_record` and never stored.
pub(super) struct Malformed {
    /// Whatever external id it carried, for the answer.
    pub(super) external_id: String,
}

/// Reads one record of a batch.
pub(super) fn parse(raw: &Value) -> Result<Incoming, Malformed> {
    let external_id = raw
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !is_external_id(&external_id) {
        return Err(Malformed { external_id });
    }
    let Ok(record) = PartnerRecord::deserialize(raw) else {
        return Err(Malformed { external_id });
    };
    let Some(action) = action_of(&record) else {
        return Err(Malformed { external_id });
    };
    let subject = Subject::parse(record.subject.kind, &record.subject.value).ok();
    let attributes_json = Value::Object(record.attributes.clone()).to_string();
    Ok(Incoming {
        external_id,
        record,
        action,
        subject,
        attributes_json,
    })
}

/// A record read, with its subject's lookup hash: all that deciding it
/// needs from the record itself.
pub(super) struct Prepared {
    /// The record, or why it cannot be read.
    pub(super) read: Result<Incoming, Malformed>,
    /// Its card's or plate's hash under the binding key, as bindings are
    /// looked up by; `None` for an unreadable record or subject.
    pub(super) subject_hash: Option<String>,
}

impl Prepared {
    /// Reads `raw` and hashes its subject with `binding_key`.
    pub(super) fn read(raw: &Value, binding_key: &Secret) -> Self {
        let read = parse(raw);
        let subject_hash = read
            .as_ref()
            .ok()
            .and_then(|incoming| incoming.subject.as_ref())
            .map(|subject| subject_hash(binding_key, subject));
        Self { read, subject_hash }
    }

    /// The record, when it can be read.
    pub(super) fn incoming(&self) -> Option<&Incoming> {
        self.read.as_ref().ok()
    }
}

/// Whether `id` (trimmed) can be a stored record's external id: not empty,
/// at most [`EXTERNAL_ID_MAX_BYTES`], and no control character — none is
/// part of an id, and PostgreSQL cannot store a NUL in text at all, so such
/// a record is answered instead of failing its batch.
pub(super) fn is_external_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= EXTERNAL_ID_MAX_BYTES && !id.chars().any(char::is_control)
}

/// The action a record describes; `None` when a field is malformed.
fn action_of(record: &PartnerRecord) -> Option<Action> {
    let kind = ActionKind::parse(&record.kind).ok()?;
    let unit = Unit::from_name(&record.unit)?;
    let quantity = Quantity::parse(&record.quantity.to_string()).ok()?;
    let started_at = record.started_at.to_utc();
    let ended_at = record.ended_at.map(|t| t.to_utc());
    if ended_at.is_some_and(|end| end < started_at) {
        return None;
    }
    let mut action = Action::new(kind, quantity, unit, started_at);
    action.ended_at = ended_at;
    action.attributes = attributes_of(&record.attributes);
    Some(action)
}

/// Attributes as the evaluator reads them: strings as they are, anything
/// else as its JSON text.
pub(super) fn attributes_of(
    attributes: &serde_json::Map<String, Value>,
) -> std::collections::BTreeMap<String, String> {
    attributes
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ride() -> Value {
        json!({
            "external_id": " r-1 ",
            "kind": "bus_ride",
            "subject": {"type": "transit_card", "value": "3101 0000 1234 5678"},
            "started_at": "2026-11-20T08:10:00+08:00",
            "ended_at": "2026-11-20T08:40:00+08:00",
            "quantity": 9.4,
            "unit": "km",
            "attributes": {"route": "5", "stops": 7}
        })
    }

    #[test]
    fn a_good_record_reads_with_a_trimmed_id_and_string_attributes() {
        let incoming = parse(&ride()).ok().expect("readable");
        assert_eq!(incoming.external_id, "r-1");
        assert_eq!(incoming.action.quantity.thousandths(), 9_400);
        assert_eq!(incoming.action.attributes["stops"], "7");
        assert!(incoming.subject.is_some());
    }

    #[test]
    fn malformed_records_keep_their_external_id_for_the_answer() {
        let mut ended_before = ride();
        ended_before["ended_at"] = json!("2026-11-20T08:00:00+08:00");
        let mut bad_unit = ride();
        bad_unit["unit"] = json!("furlong");
        let mut no_id = ride();
        no_id["external_id"] = json!("  ");
        let mut nul_id = ride();
        nul_id["external_id"] = json!("r-\u{0}");
        let mut long_id = ride();
        long_id["external_id"] = json!("x".repeat(EXTERNAL_ID_MAX_BYTES + 1));
        for (raw, id) in [
            (ended_before, "r-1"),
            (bad_unit, "r-1"),
            (no_id, ""),
            (nul_id, "r-\u{0}"),
            (json!({"external_id": "r-9"}), "r-9"),
            (json!([1, 2]), ""),
        ] {
            let Err(malformed) = parse(&raw) else {
                panic!("{raw} should be malformed");
            };
            assert_eq!(malformed.external_id, id);
        }
        assert!(parse(&long_id).is_err());
    }

    #[test]
    fn a_prepared_record_carries_the_hash_its_binding_is_looked_up_by() {
        let key = Secret::new("b".repeat(32));
        let prepared = Prepared::read(&ride(), &key);
        let incoming = prepared.incoming().expect("readable");
        let subject = incoming.subject.as_ref().expect("a card");
        assert_eq!(
            prepared.subject_hash.as_deref(),
            Some(subject_hash(&key, subject).as_str())
        );
        assert_eq!(incoming.attributes_json, r#"{"route":"5","stops":7}"#);
        // Nothing to look up for a record that cannot be read, or whose
        // subject is no card.
        let mut no_card = ride();
        no_card["subject"]["value"] = json!("??");
        for raw in [json!({"external_id": "r-9"}), no_card] {
            assert_eq!(Prepared::read(&raw, &key).subject_hash, None);
        }
    }

    #[test]
    fn a_subject_that_is_no_card_reads_but_binds_to_nobody() {
        let mut raw = ride();
        raw["subject"]["value"] = json!("??");
        let incoming = parse(&raw).ok().expect("readable");
        assert!(incoming.subject.is_none());
    }
}
