//! Reading an import file into partner records, line by line. A line that
//! is not a record becomes an [`Line::Invalid`] with the reason and never
//! stops the lines after it; only a CSV header without the required
//! columns stops the file.
//!
//! CSV: a header row naming at least `external_id`, `kind`,
//! `subject_type`, `subject_value`, `started_at`, `quantity` and `unit`;
//! `ended_at` is optional; every other column is an attribute (`route`,
//! `station`, `district`…), left out when empty. JSON Lines: one partner
//! record (the webhook's JSON) per line; blank lines are skipped.

use serde_json::{Map, Number, Value};
use std::io::{BufRead, Read};

/// The columns a CSV file must have.
pub const REQUIRED_COLUMNS: [&str; 7] = [
    "external_id",
    "kind",
    "subject_type",
    "subject_value",
    "started_at",
    "quantity",
    "unit",
];

/// One line of the file.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    /// A record to ingest.
    Record {
        /// 1-based line number in the file.
        line: u64,
        /// The record, shaped as the webhook's JSON.
        record: Value,
        /// Bytes of the file read once this line is done.
        end: u64,
    },
    /// A line that is not a record.
    Invalid {
        /// 1-based line number.
        line: u64,
        /// What is wrong, for people.
        detail: String,
        /// Bytes read once this line is done.
        end: u64,
    },
}

/// The file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON record per line.
    JsonLines,
}

impl Format {
    /// Parses `csv` or `jsonl`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::JsonLines),
            _ => None,
        }
    }

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }
}

/// Reads every line of `input`, calling `emit` for each; `emit` returns
/// `false` to stop early.
///
/// # Errors
/// A CSV header without a required column, or a file that cannot be read.
pub fn read_lines<R: Read>(
    format: Format,
    input: R,
    emit: impl FnMut(Line) -> bool,
) -> Result<(), String> {
    match format {
        Format::Csv => read_csv(input, emit),
        Format::JsonLines => read_json_lines(std::io::BufReader::new(input), emit),
    }
}

fn read_json_lines<R: BufRead>(
    mut input: R,
    mut emit: impl FnMut(Line) -> bool,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let (mut line, mut end) = (0_u64, 0_u64);
    loop {
        buf.clear();
        let read = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("the file could not be read: {e}"))?;
        if read == 0 {
            return Ok(());
        }
        line += 1;
        end += read as u64;
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let item = match serde_json::from_str::<Value>(text) {
            Ok(record @ Value::Object(_)) => Line::Record { line, record, end },
            Ok(_) => Line::Invalid {
                line,
                detail: "not a JSON object".to_owned(),
                end,
            },
            Err(e) => Line::Invalid {
                line,
                detail: format!("not JSON: {e}"),
                end,
            },
        };
        if !emit(item) {
            return Ok(());
        }
    }
}

fn read_csv<R: Read>(input: R, mut emit: impl FnMut(Line) -> bool) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| format!("the header row could not be read: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    for name in REQUIRED_COLUMNS {
        if column(name).is_none() {
            return Err(format!("the header row has no `{name}` column"));
        }
    }
    let mut record = csv::StringRecord::new();
    loop {
        let result = reader.read_record(&mut record);
        let end = reader.position().byte();
        // Where the row started; the reader's own position is past it.
        let line = record.position().map_or(0, csv::Position::line);
        let item = match result {
            Ok(false) => return Ok(()),
            Ok(true) => match to_record(&headers, &record) {
                Ok(record) => Line::Record { line, record, end },
                Err(detail) => Line::Invalid { line, detail, end },
            },
            Err(e) => {
                // The reader moves past a malformed row; so do we.
                Line::Invalid {
                    line: e.position().map_or(line, csv::Position::line),
                    detail: format!("not a CSV row: {e}"),
                    end,
                }
            }
        };
        if !emit(item) {
            return Ok(());
        }
    }
}

/// One CSV row as a partner record.
fn to_record(headers: &csv::StringRecord, row: &csv::StringRecord) -> Result<Value, String> {
    let mut record = Map::new();
    let mut subject = Map::new();
    let mut attributes = Map::new();
    for (name, value) in headers.iter().zip(row.iter()) {
        match name {
            "quantity" => {
                let number: Number = value
                    .parse()
                    .map_err(|_| format!("quantity {value:?} is not a number"))?;
                record.insert(name.to_owned(), Value::Number(number));
            }
            "subject_type" => {
                subject.insert("type".to_owned(), Value::String(value.to_owned()));
            }
            "subject_value" => {
                subject.insert("value".to_owned(), Value::String(value.to_owned()));
            }
            "ended_at" if value.is_empty() => {}
            "external_id" | "kind" | "started_at" | "ended_at" | "unit" => {
                record.insert(name.to_owned(), Value::String(value.to_owned()));
            }
            _ if value.is_empty() => {}
            _ => {
                attributes.insert(name.to_owned(), Value::String(value.to_owned()));
            }
        }
    }
    record.insert("subject".to_owned(), Value::Object(subject));
    record.insert("attributes".to_owned(), Value::Object(attributes));
    Ok(Value::Object(record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all(format: Format, text: &str) -> Result<Vec<Line>, String> {
        let mut lines = Vec::new();
        read_lines(format, text.as_bytes(), |line| {
            lines.push(line);
            true
        })?;
        Ok(lines)
    }

    const HEADER: &str = "external_id,kind,subject_type,subject_value,started_at,ended_at,quantity,unit,route,district\n";

    #[test]
    fn csv_rows_become_partner_records_with_their_attributes() {
        let text = format!(
            "{HEADER}LC-1,bus_ride,transit_card,3100 0000 0000 0001,2026-11-29T08:10:00+08:00,2026-11-29T08:32:00+08:00,7.4,km,K5,\n"
        );
        let lines = all(Format::Csv, &text).unwrap();
        assert_eq!(lines.len(), 1);
        let Line::Record { line, record, end } = &lines[0] else {
            panic!("{lines:?}")
        };
        assert_eq!(*line, 2);
        assert_eq!(*end, text.len() as u64);
        assert_eq!(
            record,
            &json!({
                "external_id": "LC-1", "kind": "bus_ride",
                "subject": {"type": "transit_card", "value": "3100 0000 0000 0001"},
                "started_at": "2026-11-29T08:10:00+08:00",
                "ended_at": "2026-11-29T08:32:00+08:00",
                "quantity": 7.4, "unit": "km",
                "attributes": {"route": "K5"},
            })
        );
    }

    #[test]
    fn a_malformed_csv_row_is_reported_and_the_rest_read() {
        let text = format!(
            "{HEADER}LC-1,bus_ride,transit_card,1,2026-11-29T08:10:00+08:00,,seven,km,K5,\nLC-2,bus_ride\nLC-3,bus_ride,transit_card,1,2026-11-29T08:10:00+08:00,,3,km,K5,东昌府区\n"
        );
        let lines = all(Format::Csv, &text).unwrap();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            matches!(&lines[0], Line::Invalid { line: 2, detail, .. } if detail.contains("quantity"))
        );
        assert!(
            matches!(&lines[1], Line::Invalid { line: 3, .. }),
            "{:?}",
            lines[1]
        );
        let Line::Record {
            line: 4, record, ..
        } = &lines[2]
        else {
            panic!("{:?}", lines[2])
        };
        assert_eq!(record["attributes"]["district"], "东昌府区");
    }

    #[test]
    fn a_header_without_a_required_column_stops_the_file() {
        let err = all(Format::Csv, "external_id,kind\nLC-1,bus_ride\n").unwrap_err();
        assert!(err.contains("subject_type"), "{err}");
    }

    #[test]
    fn json_lines_skip_blanks_and_report_what_is_not_an_object() {
        let text = "{\"external_id\":\"A\"}\n\n[1]\nnot json\n{\"external_id\":\"B\"}";
        let lines = all(Format::JsonLines, text).unwrap();
        assert_eq!(lines.len(), 4);
        assert!(matches!(&lines[0], Line::Record { line: 1, .. }));
        assert!(matches!(&lines[1], Line::Invalid { line: 3, .. }));
        assert!(matches!(&lines[2], Line::Invalid { line: 4, .. }));
        assert!(
            matches!(&lines[3], Line::Record { line: 5, end, .. } if *end == text.len() as u64)
        );
    }

    #[test]
    fn reading_stops_when_asked() {
        let mut seen = 0;
        read_lines(Format::JsonLines, "{}\n{}\n{}\n".as_bytes(), |_| {
            seen += 1;
            seen < 2
        })
        .unwrap();
        assert_eq!(seen, 2);
    }
}
