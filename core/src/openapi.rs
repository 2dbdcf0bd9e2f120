//! OpenAPI schemas of the types whose JSON form is not their Rust shape.
//!
//! Most API types derive `utoipa::ToSchema` behind the `openapi` feature,
//! which reads their serde attributes. The types here serialize through a
//! string or a hand-written visitor, so their schema is written out: it must
//! say what the parser accepts, or contract tests would send values the
//! server rightly refuses and call it a bug.

use crate::account::Login;
use crate::rules::{ActionKind, MonthDay, Quantity, TimeOfDay};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

/// A string schema with a pattern and a description.
fn string(pattern: &str, description: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some(pattern))
        .description(Some(description))
        .examples([example])
        .into()
}

impl PartialSchema for Login {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .min_length(Some(3))
            .max_length(Some(254))
            .description(Some(
                "A mainland mobile number (11 digits, 1 then 3–9) or an e-mail address.",
            ))
            .examples(["13800000001"])
            .into()
    }
}
impl ToSchema for Login {}

impl PartialSchema for ActionKind {
    fn schema() -> RefOr<Schema> {
        string(
            "^[a-z][a-z0-9_]{1,31}$",
            "An action kind: a built-in one (bus_ride, metro_ride, bike_trip, walk, \
             refuel_offpeak, ev_charge) or one an administrator defined.",
            "bus_ride",
        )
    }
}
impl ToSchema for ActionKind {}

impl PartialSchema for TimeOfDay {
    fn schema() -> RefOr<Schema> {
        string(
            "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "A time of day to the minute, city time (Asia/Shanghai).",
            "20:00",
        )
    }
}
impl ToSchema for TimeOfDay {}

impl PartialSchema for MonthDay {
    fn schema() -> RefOr<Schema> {
        string(
            "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            "A day of the year without a year, MM-DD.",
            "11-15",
        )
    }
}
impl ToSchema for MonthDay {}

impl PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        let number = ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Number))
            .minimum(Some(0.0));
        let decimal = ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .pattern(Some(r"^[0-9]+(\.[0-9]{1,3})?$"));
        OneOfBuilder::new()
            .item(number)
            .item(decimal)
            .description(Some(
                "A non-negative measured quantity with at most three decimals, as a \
                 number or a decimal string.",
            ))
            .into()
    }
}
impl ToSchema for Quantity {}
