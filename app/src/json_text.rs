//! A partner's attribute values (any JSON) read straight into the text a
//! page shows, by a visitor of its own: `serde_json::Value`'s reader and
//! writer were code the action's page carried only to turn each value back
//! into text (docs/PERFORMANCE.md, session 19).

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// An attribute's value as a page shows it: a string as it is, anything
/// else as its JSON text, numbers with a fraction to six decimals.
pub struct AttributeText(pub String);

impl<'de> Deserialize<'de> for AttributeText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        JsonText { nested: false }
            .deserialize(deserializer)
            .map(Self)
    }
}

/// Reads any JSON value as text; `nested` inside a list or an object,
/// where a string keeps its quotes.
#[derive(Clone, Copy)]
struct JsonText {
    nested: bool,
}

impl<'de> DeserializeSeed<'de> for JsonText {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonText {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<String, E> {
        Ok(if self.nested {
            quoted(text)
        } else {
            text.to_owned()
        })
    }

    fn visit_bool<E>(self, value: bool) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E>(self, value: f64) -> Result<String, E> {
        Ok(decimal(value))
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(JsonText { nested: true })? {
            items.push(item);
        }
        Ok(format!("[{}]", items.join(",")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(JsonText { nested: true })?;
            entries.push(format!("{}:{value}", quoted(&key)));
        }
        Ok(format!("{{{}}}", entries.join(",")))
    }
}

/// A number with a fraction, to six decimals at most (`7.4`, `0.000125`):
/// the standard library's float formatting, which finds the shortest
/// digits that read back as the same number, was ~8 KB of this page's code
/// before optimisation, for a kind of value the demo's partners never send.
fn decimal(value: f64) -> String {
    if value.abs() >= 1e12 {
        // A whole number from here (a fraction of a trillion is noise for
        // a detail of a ride); past i64's range it shows i64's limit.
        #[allow(clippy::cast_possible_truncation)]
        return (value.round() as i64).to_string();
    }
    #[allow(clippy::cast_possible_truncation)]
    let millionths = (value * 1e6).round() as i64;
    let sign = if millionths < 0 { "-" } else { "" };
    let (whole, fraction) = (
        millionths.unsigned_abs() / 1_000_000,
        millionths.unsigned_abs() % 1_000_000,
    );
    let fraction = format!("{fraction:06}");
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A string as a JSON string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::AttributeText;
    use std::collections::BTreeMap;

    fn shown(json: &str) -> BTreeMap<String, String> {
        serde_json::from_str::<BTreeMap<String, AttributeText>>(json)
            .expect("attributes")
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect()
    }

    #[test]
    fn attributes_show_strings_as_they_are_and_the_rest_as_json_text() {
        let shown = shown(
            r#"{"route":"K5","stop":"东昌湖 \"东\"","stops":6,"debt":-12,
                "fare":1.5,"tiny":0.000125,"minus":-3.25,"whole":2.0,"huge":1e15,
                "low_floor":true,"note":null,
                "via":["A","B",3],"meta":{"line":"K5","depth":{"n":1}}}"#,
        );
        let expected = [
            ("route", "K5"),
            ("stop", "东昌湖 \"东\""),
            ("stops", "6"),
            ("debt", "-12"),
            ("fare", "1.5"),
            ("tiny", "0.000125"),
            ("minus", "-3.25"),
            ("whole", "2"),
            ("huge", "1000000000000000"),
            ("low_floor", "true"),
            ("note", "null"),
            ("via", r#"["A","B",3]"#),
            ("meta", r#"{"line":"K5","depth":{"n":1}}"#),
        ];
        for (key, text) in expected {
            assert_eq!(shown[key], text, "{key}");
        }
    }
}
