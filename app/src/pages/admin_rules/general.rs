//! The draft's names and descriptions, and how it computes points (the
//! reduction they may be computed from is in `reduction`).

use super::form::{Field, Form, input, whole};
use crate::i18n::Msg;
use leptos::prelude::*;
use tanpu_core::rules::{PointMethod, RuleVersion};

/// Names and descriptions in both languages.
pub(super) fn texts(form: Form) -> impl IntoView {
    let text = move |path: &str, id: &str, label, input_type, show, store| {
        input(
            form,
            Field {
                path: path.to_owned(),
                also: Vec::new(),
                id: id.to_owned(),
                label,
                suffix: None,
                input_type,
                show,
                read: |t: &str| Ok(t.to_owned()),
                store,
                index: 0_usize,
            },
        )
    };
    view! {
        <fieldset class="rule-group">
            <legend>{form.i18n.tr(Msg::RuleTextsTitle)}</legend>
            {text("name.zh_cn", "rule-name-zh", Msg::RuleNameZh, "text",
                |d, _| d.name.zh_cn.clone(), |d, _, v| d.name.zh_cn = v)}
            {text("name.en", "rule-name-en", Msg::RuleNameEn, "text",
                |d, _| d.name.en.clone(), |d, _, v| d.name.en = v)}
            {text("description.zh_cn", "rule-description-zh", Msg::RuleDescZh, "textarea",
                |d, _| d.description.zh_cn.clone(), |d, _, v| d.description.zh_cn = v)}
            {text("description.en", "rule-description-en", Msg::RuleDescEn, "textarea",
                |d, _| d.description.en.clone(), |d, _, v| d.description.en = v)}
        </fieldset>
    }
}

/// The point method's wire name and rate.
fn method_of(points: &PointMethod) -> (&'static str, i64) {
    match *points {
        PointMethod::PerKgCo2e { points_per_kg } => ("per_kg_co2e", points_per_kg),
        PointMethod::PerUnit { points_per_unit } => ("per_unit", points_per_unit),
        PointMethod::PerAction { points } => ("per_action", points),
    }
}

/// The method `name` at `rate`.
fn method(name: &str, rate: i64) -> PointMethod {
    match name {
        "per_unit" => PointMethod::PerUnit {
            points_per_unit: rate,
        },
        "per_action" => PointMethod::PerAction { points: rate },
        _ => PointMethod::PerKgCo2e {
            points_per_kg: rate,
        },
    }
}

/// How points are computed.
pub(super) fn calculation(form: Form) -> impl IntoView {
    let i18n = form.i18n;
    let def = form.def;
    let chosen = Memo::new(move |_| def.with(|d| method_of(&d.points).0));
    let method_paths = vec!["points.method".to_owned()];
    let method_error = {
        let paths = method_paths.clone();
        move || form.message_text(&paths)
    };
    let method_invalid = move || {
        if form.messages(&method_paths).is_empty() {
            "false"
        } else {
            "true"
        }
    };
    let choice = move |value: &'static str, label: Msg| {
        view! { <option value=value prop:selected=move || chosen.get() == value>{i18n.tr(label)}</option> }
    };
    view! {
        <div class="field">
            <label for="point-method">{i18n.tr(Msg::PointMethodLabel)}</label>
            <select id="point-method" aria-invalid=method_invalid aria-describedby="point-method-error"
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    def.update(|d| d.points = method(&name, method_of(&d.points).1));
                }>
                {choice("per_kg_co2e", Msg::PointMethodPerKg)}
                {choice("per_unit", Msg::PointMethodPerUnit)}
                {choice("per_action", Msg::PointMethodPerAction)}
            </select>
            <p class="field-error" id="point-method-error" aria-live="polite">{method_error}</p>
        </div>
        // The rate's path names the method, so the field follows it.
        {move || {
            let path = match chosen.get() {
                "per_unit" => "points.points_per_unit",
                "per_action" => "points.points",
                _ => "points.points_per_kg",
            };
            input(form, Field {
                path: path.to_owned(),
                also: Vec::new(),
                id: "point-rate".to_owned(),
                label: Msg::PointRate,
                suffix: None,
                input_type: "number",
                show: |d: &RuleVersion, _| method_of(&d.points).1.to_string(),
                read: whole::<i64>,
                store: |d: &mut RuleVersion, _, v| d.points = method(method_of(&d.points).0, v),
                index: 0_usize,
            })
        }}
    }
}
