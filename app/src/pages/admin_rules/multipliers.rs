//! The draft's multipliers: each one's label in both languages, its
//! percentage and its own schedule; administrators add and remove them.

use super::form::{Field, Form, input, whole};
use super::schedule::{Owner, schedule_of};
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use tanpu_core::rules::{Multiplier, RuleVersion, Schedule};

/// Multiplier `m`'s label in `lang` (`zh_cn` or `en`).
fn label_field(
    form: Form,
    m: usize,
    lang: &str,
    label: Msg,
    show: fn(&RuleVersion, usize) -> String,
    store: fn(&mut RuleVersion, usize, String),
) -> impl IntoView {
    input(
        form,
        Field {
            path: format!("multipliers[{m}].label.{lang}"),
            also: Vec::new(),
            id: format!("multiplier-{m}-label-{lang}"),
            label,
            suffix: Some(Signal::derive(move || (m + 1).to_string())),
            input_type: "text",
            show,
            read: |t: &str| Ok(t.to_owned()),
            store,
            index: m,
        },
    )
}

/// One multiplier's fields, in its own group.
fn multiplier(form: Form, m: usize) -> impl IntoView {
    let i18n = form.i18n;
    let def = form.def;
    // The label in the reader's language names the percentage field (and,
    // in the page text, the group), so each is told apart.
    let name = Memo::new(move |_| {
        def.with(|d| {
            d.multipliers.get(m).map_or_else(String::new, |x| {
                if i18n.lang() == Lang::Zh {
                    x.label.zh_cn.clone()
                } else {
                    x.label.en.clone()
                }
            })
        })
    });
    let n = m + 1;
    let percent_suffix = Signal::derive(move || {
        let name = name.get();
        if name.is_empty() {
            n.to_string()
        } else {
            format!("{n}: {name}")
        }
    });
    view! {
        <fieldset class="rule-group">
            <legend>{i18n.tr(Msg::MultiplierN)} {format!(" {n}")}</legend>
            <div class="field-row">
                {label_field(form, m, "zh_cn", Msg::MultiplierLabelZh,
                    |d, m| d.multipliers.get(m).map(|x| x.label.zh_cn.clone()).unwrap_or_default(),
                    |d, m, v| if let Some(x) = d.multipliers.get_mut(m) { x.label.zh_cn = v; })}
                {label_field(form, m, "en", Msg::MultiplierLabelEn,
                    |d, m| d.multipliers.get(m).map(|x| x.label.en.clone()).unwrap_or_default(),
                    |d, m, v| if let Some(x) = d.multipliers.get_mut(m) { x.label.en = v; })}
                {input(form, Field {
                    path: format!("multipliers[{m}].percent"),
                    also: Vec::new(),
                    id: format!("multiplier-{m}"),
                    label: Msg::MultiplierPercent,
                    suffix: Some(percent_suffix),
                    input_type: "number",
                    show: |d: &RuleVersion, m: usize| d.multipliers.get(m).map(|x| x.percent.to_string()).unwrap_or_default(),
                    read: whole::<u32>,
                    store: |d: &mut RuleVersion, m: usize, v| if let Some(x) = d.multipliers.get_mut(m) { x.percent = v; },
                    index: m,
                })}
            </div>
            <fieldset class="rule-group">
                <legend>{i18n.tr(Msg::MultiplierWhen)} {format!(" {n}")}</legend>
                {schedule_of(form, Owner::Multiplier(m))}
            </fieldset>
            <button type="button" class="secondary"
                aria-label=move || format!("{} {n}", i18n.t(Msg::RemoveMultiplier))
                on:click=move |_| {
                    // Every later multiplier moves up: forget all typed text.
                    form.forget("multipliers");
                    def.update(|d| if m < d.multipliers.len() { d.multipliers.remove(m); });
                }>{i18n.tr(Msg::RemoveMultiplier)}</button>
        </fieldset>
    }
}

/// The list of multipliers and the button that adds one.
pub(super) fn multipliers(form: Form) -> impl IntoView {
    let i18n = form.i18n;
    let def = form.def;
    let count = Memo::new(move |_| def.with(|d| d.multipliers.len()));
    view! {
        <fieldset class="rule-group" aria-describedby="multipliers-error">
            <legend>{i18n.tr(Msg::MultipliersTitle)}</legend>
            <p class="field-hint">{i18n.tr(Msg::MultipliersHint)}</p>
            {move || (0..count.get()).map(|m| multiplier(form, m)).collect_view()}
            <p class="field-error" id="multipliers-error" aria-live="polite">
                {move || form.message_text(&["multipliers".to_owned()])}
            </p>
            <button type="button" class="secondary" on:click=move |_| {
                // Doubled points every day until the administrator narrows it.
                def.update(|d| d.multipliers.push(Multiplier {
                    label: Default::default(),
                    percent: 200,
                    when: Schedule::default(),
                }));
            }>{i18n.tr(Msg::AddMultiplier)}</button>
        </fieldset>
    }
}
