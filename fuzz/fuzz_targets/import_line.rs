//! Import files (`tanpu_server::services::imports::parse::read_lines`, CSV
//! and JSON Lines) and the record reading every imported or webhook record
//! goes through (`tanpu_server::services::ingest::read_record`).
//!
//! The input is an import file. It is read as JSON Lines, as CSV, and as CSV
//! rows under the standard header (so that rows need not rediscover it).
//!
//! Properties:
//! - neither reader panics; a file without the required CSV columns is
//!   refused as a whole, and no line is emitted then;
//! - the byte offsets reported (`end`, used to show progress) never go
//!   backwards nor past the end of the file; JSON Lines numbers grow;
//! - every record is a JSON object; a CSV record has a string
//!   `external_id` and `subject` and `attributes` objects;
//! - a record that reads keeps its external id (trimmed, 1 to 128 bytes),
//!   its kind and unit as sent; its quantity prints and parses back to
//!   itself; it ends no earlier than it starts;
//! - round trip: the record rebuilt from what was read (normalised subject,
//!   quantity as Tanpu writes it, times in RFC 3339) reads to the very same
//!   external id, action and subject.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};
use tanpu_core::binding::{Subject, SubjectType};
use tanpu_core::rules::{Action, Quantity};
use tanpu_server::services::imports::parse::{Format, Line, read_lines};
use tanpu_server::services::ingest::read_record;

const HEADER: &[u8] =
    b"external_id,kind,subject_type,subject_value,started_at,ended_at,quantity,unit,route,district\n";

/// Reads the whole file, checking what every line reports.
fn read_all(format: Format, file: &[u8]) -> Vec<Line> {
    let mut lines = Vec::new();
    let (mut last_end, mut last_line) = (0_u64, 0_u64);
    let result = read_lines(format, file, |line| {
        let (number, end) = match &line {
            Line::Record { line, end, .. } | Line::Invalid { line, end, .. } => (*line, *end),
        };
        assert!(
            end >= last_end,
            "offsets went backwards: {last_end} then {end}"
        );
        assert!(end <= file.len() as u64, "offset {end} past the end");
        if format == Format::JsonLines {
            assert!(number > last_line, "line {number} after {last_line}");
        }
        (last_end, last_line) = (end, number);
        lines.push(line);
        true
    });
    if result.is_err() {
        assert!(lines.is_empty(), "lines emitted from a refused file");
    }
    lines
}

/// The record a partner would send for what was read.
fn rebuild(
    external_id: &str,
    action: &Action,
    subject: Option<&Subject>,
    raw: &Map<String, Value>,
) -> Value {
    let subject = match subject {
        Some(s) => json!({"type": s.kind(), "value": s.normalized()}),
        None => raw.get("subject").cloned().unwrap_or_default(),
    };
    let mut record = json!({
        "external_id": external_id,
        "kind": action.kind.as_str(),
        "subject": subject,
        "started_at": action.started_at.to_rfc3339(),
        "quantity": action.quantity,
        "unit": action.unit.as_str(),
        "attributes": action.attributes,
    });
    if let Some(end) = action.ended_at {
        record["ended_at"] = json!(end.to_rfc3339());
    }
    record
}

fn check_record(raw: &Map<String, Value>) {
    let value = Value::Object(raw.clone());
    let sent_id = raw
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    match read_record(&value) {
        Err(id) => assert_eq!(
            id, sent_id,
            "a malformed record's id is kept for the answer"
        ),
        Ok((id, action, subject)) => {
            assert_eq!(id, sent_id);
            assert!(!id.is_empty() && id.len() <= 128, "external id {id:?}");
            let text = |name: &str| raw.get(name).and_then(Value::as_str);
            assert_eq!(Some(action.kind.as_str()), text("kind"));
            assert_eq!(Some(action.unit.as_str()), text("unit"));
            assert_eq!(
                Quantity::parse(&action.quantity.to_string()),
                Ok(action.quantity)
            );
            assert!(action.ended_at.is_none_or(|end| end >= action.started_at));
            if let Some(s) = &subject {
                let kind = raw
                    .get("subject")
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .and_then(SubjectType::from_name);
                assert_eq!(Some(s.kind()), kind);
            }
            let again = rebuild(&id, &action, subject.as_ref(), raw);
            match read_record(&again) {
                Ok((id2, action2, subject2)) => {
                    assert_eq!(id2, id);
                    assert_eq!(action2, action, "{again}");
                    assert_eq!(subject2, subject);
                }
                Err(_) => panic!("the rebuilt record {again} does not read"),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    for line in read_all(Format::JsonLines, data) {
        if let Line::Record { record, .. } = line {
            let Value::Object(raw) = record else {
                panic!("a JSON Lines record that is not an object")
            };
            check_record(&raw);
        }
    }

    let mut with_header = HEADER.to_vec();
    with_header.extend_from_slice(data);
    for file in [data, &with_header[..]] {
        for line in read_all(Format::Csv, file) {
            if let Line::Record { record, .. } = line {
                let Value::Object(raw) = record else {
                    panic!("a CSV record that is not an object")
                };
                let field = |name: &str| raw.get(name).cloned().unwrap_or_default();
                assert!(field("external_id").is_string());
                assert!(field("subject").is_object() && field("attributes").is_object());
                check_record(&raw);
            }
        }
    }
});
