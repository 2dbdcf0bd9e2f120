//! The draft's limits and checks: caps on points, accepted quantities,
//! physical plausibility, how old or how far ahead an action may be, the
//! discount on self-declared actions, and the interval it is meant for.

use super::form::{
    Field, Form, input, optional_quantity, optional_whole, or_empty, quantity, whole,
};
use crate::display::{city_instant, datetime_local};
use crate::i18n::Msg;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tanpu_core::Points;
use tanpu_core::rules::RuleVersion;

/// A `datetime-local` value in city time to an instant.
fn instant(text: &str) -> Result<DateTime<Utc>, Msg> {
    city_instant(text)
        .map(|t| t.with_timezone(&Utc))
        .ok_or(Msg::ErrDateTime)
}

/// An optional `datetime-local` value.
fn optional_instant(text: &str) -> Result<Option<DateTime<Utc>>, Msg> {
    if text.is_empty() {
        Ok(None)
    } else {
        instant(text).map(Some)
    }
}

/// A field with only its own path, outside lists.
fn field<T>(
    path: &str,
    id: &str,
    label: Msg,
    input_type: &'static str,
    show: fn(&RuleVersion, usize) -> String,
    read: fn(&str) -> Result<T, Msg>,
    store: fn(&mut RuleVersion, usize, T),
) -> Field<T> {
    Field {
        path: path.to_owned(),
        also: Vec::new(),
        id: id.to_owned(),
        label,
        suffix: None,
        input_type,
        show,
        read,
        store,
        index: 0,
    }
}

/// A cap in points; empty is unlimited.
fn cap(
    path: &str,
    id: &str,
    label: Msg,
    show: fn(&RuleVersion, usize) -> String,
    store: fn(&mut RuleVersion, usize, Option<i64>),
) -> Field<Option<i64>> {
    field(
        path,
        id,
        label,
        "number",
        show,
        optional_whole::<i64>,
        store,
    )
}

/// Caps, bounds, plausibility, timing, discount and interval.
pub(super) fn limits(form: Form) -> impl IntoView {
    let i18n = form.i18n;
    view! {
        <fieldset class="rule-group">
            <legend>{i18n.tr(Msg::LimitsTitle)}</legend>
            <div class="field-row">
                {input(form, cap("caps.per_day", "cap-per-day", Msg::CapPerDay,
                    |d, _| or_empty(d.caps.per_day.map(|p| p.0)),
                    |d, _, v| d.caps.per_day = v.map(Points)))}
                {input(form, cap("caps.per_month", "cap-per-month", Msg::CapPerMonth,
                    |d, _| or_empty(d.caps.per_month.map(|p| p.0)),
                    |d, _, v| d.caps.per_month = v.map(Points)))}
                {input(form, cap("caps.overall_per_day", "cap-overall-per-day", Msg::CapOverallPerDay,
                    |d, _| or_empty(d.caps.overall_per_day.map(|p| p.0)),
                    |d, _, v| d.caps.overall_per_day = v.map(Points)))}
                {input(form, cap("caps.overall_per_month", "cap-overall-per-month", Msg::CapOverallPerMonth,
                    |d, _| or_empty(d.caps.overall_per_month.map(|p| p.0)),
                    |d, _, v| d.caps.overall_per_month = v.map(Points)))}
            </div>
            <div class="field-row">
                {input(form, field("bounds.min", "bounds-min", Msg::BoundsMin, "text",
                    |d, _| d.bounds.min.to_string(), quantity, |d, _, v| d.bounds.min = v))}
                {input(form, field("bounds.max", "bounds-max", Msg::BoundsMax, "text",
                    |d, _| or_empty(d.bounds.max), optional_quantity, |d, _, v| d.bounds.max = v))}
                {input(form, field("plausibility.max_speed_kmh", "max-speed", Msg::MaxSpeed, "number",
                    |d, _| or_empty(d.plausibility.max_speed_kmh), optional_whole::<u32>,
                    |d, _, v| d.plausibility.max_speed_kmh = v))}
                {input(form, field("plausibility.max_fill", "max-fill", Msg::MaxFill, "text",
                    |d, _| or_empty(d.plausibility.max_fill), optional_quantity,
                    |d, _, v| d.plausibility.max_fill = v))}
            </div>
            <div class="field-row">
                {input(form, field("claim_window_days", "claim-window-days", Msg::ClaimWindowDays, "number",
                    |d, _| d.claim_window_days.to_string(), whole::<u32>, |d, _, v| d.claim_window_days = v))}
                {input(form, field("clock_skew_seconds", "clock-skew-seconds", Msg::ClockSkewSeconds, "number",
                    |d, _| d.clock_skew_seconds.to_string(), whole::<u32>, |d, _, v| d.clock_skew_seconds = v))}
                {input(form, field("self_declared_discount_percent", "self-discount", Msg::SelfDiscountPercent, "number",
                    |d, _| d.self_declared_discount_percent.to_string(), whole::<u8>,
                    |d, _, v| d.self_declared_discount_percent = v))}
            </div>
            <div class="field-row">
                {input(form, field("effective_from", "effective-from", Msg::EffectiveFrom, "datetime-local",
                    |d, _| datetime_local(Some(d.effective_from)), instant, |d, _, v| d.effective_from = v))}
                {input(form, field("effective_until", "effective-until", Msg::EffectiveUntil, "datetime-local",
                    |d, _| datetime_local(d.effective_until), optional_instant,
                    |d, _, v| d.effective_until = v))}
            </div>
        </fieldset>
    }
}
