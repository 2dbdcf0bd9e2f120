//! The draft's unit and how it computes the CO2e reduction: from factors
//! (baseline − project, per unit), a fixed amount per action, or none.
//!
//! Switching the method keeps what was typed for the others, so trying a
//! method and switching back loses nothing; a method never used starts from
//! the figures of the one it replaces.

use super::form::{Field, Form, input, whole};
use crate::i18n::{Msg, unit_msg};
use leptos::prelude::*;
use tanpu_core::rules::{Reduction, RuleVersion, Unit};

/// A select bound to one choice of the draft, with its messages beside it.
fn select(
    form: Form,
    id: &'static str,
    path: &'static str,
    label: Msg,
    options: Vec<(&'static str, Msg)>,
    chosen: Memo<&'static str>,
    pick: impl Fn(&str) + 'static,
) -> impl IntoView {
    let i18n = form.i18n;
    let paths = vec![path.to_owned()];
    let error = {
        let paths = paths.clone();
        move || form.message_text(&paths)
    };
    let invalid = move || {
        if form.messages(&paths).is_empty() {
            "false"
        } else {
            "true"
        }
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{i18n.tr(label)}</label>
            <select id=id aria-invalid=invalid aria-describedby=error_id.clone()
                on:change=move |ev| pick(&event_target_value(&ev))>
                {options.into_iter().map(|(value, msg)| view! {
                    <option value=value prop:selected=move || chosen.get() == value>{i18n.tr(msg)}</option>
                }).collect_view()}
            </select>
            <p class="field-error" id=error_id aria-live="polite">{error}</p>
        </div>
    }
}

/// The unit actions are measured in: only the units core allows for the
/// rule's kind (any unit for a kind administrators defined), plus the
/// draft's own if it is not one of them, so what is stored stays visible
/// beside its error.
pub(super) fn unit(form: Form) -> impl IntoView {
    let def = form.def;
    let chosen = Memo::new(move |_| def.with(|d| d.unit.as_str()));
    let (allowed, stored) = def.with_untracked(|d| (d.kind.allowed_units(), d.unit));
    let options = Unit::ALL
        .into_iter()
        .filter(|u| allowed.is_none_or(|units| units.contains(u)) || *u == stored)
        .filter_map(|u| Some((u.as_str(), unit_msg(u.as_str())?)))
        .collect();
    select(
        form,
        "rule-unit",
        "unit",
        Msg::UnitLabel,
        options,
        chosen,
        move |name| {
            if let Some(unit) = Unit::ALL.into_iter().find(|u| u.as_str() == name) {
                def.update(|d| d.unit = unit);
            }
        },
    )
}

/// The method's wire name.
fn method_of(reduction: &Reduction) -> &'static str {
    match reduction {
        Reduction::Factors { .. } => "factors",
        Reduction::Fixed { .. } => "fixed",
        Reduction::None {} => "none",
    }
}

/// Wuhan's flat reduction per bus trip, 150 g: where a fixed amount starts
/// when there are no factors to start from.
const FIXED_DEFAULT_MG: i64 = 150_000;

/// The method `name`, starting from `from` (the method being left).
fn switch(name: &str, from: &Reduction) -> Reduction {
    let net = match *from {
        Reduction::Factors {
            baseline_mg_per_unit,
            project_mg_per_unit,
        } => baseline_mg_per_unit.saturating_sub(project_mg_per_unit),
        Reduction::Fixed { reduction_mg } => reduction_mg,
        Reduction::None {} => 0,
    };
    let net = if net > 0 { net } else { FIXED_DEFAULT_MG };
    match name {
        "factors" => Reduction::Factors {
            baseline_mg_per_unit: net,
            project_mg_per_unit: 0,
        },
        "fixed" => Reduction::Fixed { reduction_mg: net },
        _ => Reduction::None {},
    }
}

/// A reduction figure in mg, shown only under its method.
fn figure(
    form: Form,
    path: &str,
    id: &str,
    label: Msg,
    show: fn(&RuleVersion, usize) -> String,
    store: fn(&mut RuleVersion, usize, i64),
) -> impl IntoView {
    input(
        form,
        Field {
            path: path.to_owned(),
            also: Vec::new(),
            id: id.to_owned(),
            label,
            suffix: None,
            input_type: "number",
            show,
            read: whole::<i64>,
            store,
            index: 0,
        },
    )
}

/// The reduction method and its figures.
pub(super) fn reduction(form: Form) -> impl IntoView {
    let def = form.def;
    let chosen = Memo::new(move |_| def.with(|d| method_of(&d.reduction)));
    // What each method last held, so switching back restores it.
    let earlier = StoredValue::new(Vec::<Reduction>::new());
    let pick = move |name: &str| {
        if name == chosen.get_untracked() {
            return;
        }
        form.forget("reduction.");
        def.update(|d| {
            let left = d.reduction.clone();
            let back = earlier.with_value(|e| e.iter().find(|r| method_of(r) == name).cloned());
            d.reduction = back.unwrap_or_else(|| switch(name, &left));
            earlier.update_value(|e| {
                e.retain(|r| method_of(r) != method_of(&left));
                e.push(left);
            });
        });
    };
    let options = vec![
        ("factors", Msg::ReductionFactors),
        ("fixed", Msg::ReductionFixed),
        ("none", Msg::ReductionNone),
    ];
    view! {
        {select(form, "reduction-method", "reduction.method", Msg::ReductionMethodLabel, options, chosen, pick)}
        <Show when=move || chosen.get() == "factors">
            {figure(form, "reduction.baseline_mg_per_unit", "baseline-mg", Msg::BaselineMg,
                |d, _| match d.reduction { Reduction::Factors { baseline_mg_per_unit, .. } => baseline_mg_per_unit.to_string(), _ => String::new() },
                |d, _, v| if let Reduction::Factors { baseline_mg_per_unit, .. } = &mut d.reduction { *baseline_mg_per_unit = v; })}
            {figure(form, "reduction.project_mg_per_unit", "project-mg", Msg::ProjectMg,
                |d, _| match d.reduction { Reduction::Factors { project_mg_per_unit, .. } => project_mg_per_unit.to_string(), _ => String::new() },
                |d, _, v| if let Reduction::Factors { project_mg_per_unit, .. } = &mut d.reduction { *project_mg_per_unit = v; })}
        </Show>
        <Show when=move || chosen.get() == "fixed">
            {figure(form, "reduction.reduction_mg", "reduction-mg", Msg::FixedReductionMg,
                |d, _| match d.reduction { Reduction::Fixed { reduction_mg } => reduction_mg.to_string(), _ => String::new() },
                |d, _, v| if let Reduction::Fixed { reduction_mg } = &mut d.reduction { *reduction_mg = v; })}
        </Show>
    }
}
