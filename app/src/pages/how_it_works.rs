//! `/how-it-works`: how actions become reductions and credits — the steps,
//! and every rule in force with its figures and sources, read from
//! `GET /api/v1/public/rules` so the page always says what the server does.

use crate::components::fetched::{fetch, loaded};
use crate::display::kind_name;
use crate::i18n::{I18n, Lang, Msg, unit_msg, use_i18n};
use leptos::prelude::*;
use tanpu_core::api::{PublicRules, RuleInForce};
use tanpu_core::format::thousandths;
use tanpu_core::rules::{PointMethod, Reduction, Text};

/// `/how-it-works`
#[component]
pub fn HowItWorks() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |m| i18n.tr(m);
    let rules = fetch(|| "/api/v1/public/rules".to_owned());
    view! {
        <article class="prose">
            <h1>{t(Msg::HowTitle)}</h1>
            <p class="lead">{t(Msg::HowLead)}</p>
            <h2>{t(Msg::HowStepsTitle)}</h2>
            <ol>
                <li>{t(Msg::HowStep1)}</li>
                <li>{t(Msg::HowStep2)}</li>
                <li>{t(Msg::HowStep3)}</li>
                <li>{t(Msg::HowStep4)}</li>
            </ol>
            <h2>{t(Msg::RulesInForce)}</h2>
            {loaded(rules, |list: PublicRules| {
                list.rules.into_iter().map(|rule| view! { <RuleCard rule /> }).collect_view().into_any()
            })}
            <h2>{t(Msg::HowHonestyTitle)}</h2>
            <p>{t(Msg::HowHonesty)}</p>
        </article>
    }
}

fn text(i18n: I18n, text: &Text) -> String {
    match i18n.lang() {
        Lang::Zh => text.zh_cn.clone(),
        Lang::En => text.en.clone(),
    }
}

/// One rule: name, what it credits and why, with its sources.
#[component]
fn RuleCard(rule: RuleInForce) -> impl IntoView {
    let i18n = use_i18n();
    let def = rule.definition;
    let unit = def.unit.as_str();
    let unit_name =
        move || unit_msg(unit).map_or_else(|| unit.to_owned(), |m| i18n.t(m).to_owned());
    let (name, description) = (def.name.clone(), def.description.clone());
    let kind = def.kind.as_str().to_owned();
    let reduction = def.reduction.clone();
    let reduction_text = move || match &reduction {
        Reduction::Factors {
            baseline_mg_per_unit,
            project_mg_per_unit,
        } => format!(
            "({} − {}) g / {}",
            thousandths(*baseline_mg_per_unit),
            thousandths(*project_mg_per_unit),
            unit_name()
        ),
        Reduction::Fixed { reduction_mg } => format!(
            "{} g / {}",
            thousandths(*reduction_mg),
            i18n.t(Msg::PerActionWord)
        ),
        Reduction::None {} => i18n.t(Msg::NoCo2e).to_owned(),
    };
    let points = def.points.clone();
    let points_text = move || match &points {
        PointMethod::PerKgCo2e { points_per_kg } => {
            format!("{points_per_kg} {}", i18n.t(Msg::PerKg))
        }
        PointMethod::PerUnit { points_per_unit } => {
            format!(
                "{points_per_unit} {} {}",
                i18n.t(Msg::PerUnitWord),
                unit_name()
            )
        }
        PointMethod::PerAction { points } => format!("{points} {}", i18n.t(Msg::PerActionWord)),
    };
    let windows: Vec<String> = def
        .schedule
        .time_windows
        .iter()
        .map(|w| format!("{}–{}", w.start, w.end))
        .chain(
            def.schedule
                .seasons
                .iter()
                .map(|s| format!("{} – {}", s.start, s.end)),
        )
        .collect();
    let when_text = move || {
        if windows.is_empty() {
            i18n.t(Msg::Anytime).to_owned()
        } else {
            windows.join(", ")
        }
    };
    let multipliers = def.multipliers.clone();
    let bonus_text = move || {
        multipliers
            .iter()
            .map(|m| format!("{} ×{}%", text(i18n, &m.label), m.percent))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let caps = def.caps;
    let caps_text = move || {
        let mut parts = Vec::new();
        if let Some(p) = caps.per_day {
            parts.push(format!("{} {}", p.0, i18n.t(Msg::PerDay)));
        }
        if let Some(p) = caps.per_month {
            parts.push(format!("{} {}", p.0, i18n.t(Msg::PerMonth)));
        }
        parts.join(", ")
    };
    let has_bonus = !def.multipliers.is_empty();
    let has_caps = caps.per_day.is_some() || caps.per_month.is_some();
    view! {
        <section class="card rule" aria-label=move || kind_name(i18n, &kind)>
            <h3>{move || text(i18n, &name)}</h3>
            <p>{move || text(i18n, &description)}</p>
            <dl class="facts">
                <dt>{i18n.tr(Msg::RuleReduction)}</dt><dd>{reduction_text}</dd>
                <dt>{i18n.tr(Msg::RulePoints)}</dt><dd>{points_text}</dd>
                <dt>{i18n.tr(Msg::RuleWhen)}</dt><dd>{when_text}</dd>
                {has_bonus.then(|| view! { <dt>{i18n.tr(Msg::RuleBonus)}</dt><dd>{bonus_text}</dd> })}
                {has_caps.then(|| view! { <dt>{i18n.tr(Msg::RuleCaps)}</dt><dd>{caps_text}</dd> })}
                <dt>{i18n.tr(Msg::RuleVersionNo)}</dt><dd>{format!("v{} (#{})", rule.version, rule.version_id)}</dd>
            </dl>
        </section>
    }
}
