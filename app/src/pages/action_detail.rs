//! `/actions/{id}`: one action and, in plain words, how its points were
//! calculated — or why it earned none.

use crate::components::fetched::{fetch, loaded};
use crate::components::require_sign_in::RequireSignIn;
use crate::display::{amount, kind_name, when};
use crate::i18n::{Lang, Msg, decision_reason_msg, status_msg, use_i18n};
use crate::json_text::AttributeText;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::Deserialize;
use std::collections::BTreeMap;
use tanpu_core::ids::RuleVersionId;
use tanpu_core::rules::{AppliedMultiplier, CapApplied, CapScope};
use tanpu_core::units::{GramsCo2e, Points};

/// `GET /api/v1/me/actions/{id}` (`tanpu_core::api::ActionDetail`) as this
/// page reads it: the fields it shows. serde skips the rest, and reading
/// them (the breakdown's quantity, unit, kind and local time; any JSON
/// value) was code this page's first load carried for nothing
/// (docs/PERFORMANCE.md, session 19).
#[derive(Deserialize)]
struct Detail {
    action: Action,
    breakdown: Option<Breakdown>,
}

/// The action (`tanpu_core::api::ActionItem`).
#[derive(Deserialize)]
struct Action {
    kind: String,
    #[serde(default, with = "tanpu_core::wire_time::option")]
    started_at: Option<DateTime<Utc>>,
    #[serde(default, with = "tanpu_core::wire_time::option")]
    ended_at: Option<DateTime<Utc>>,
    quantity_milli: i64,
    unit: String,
    status: String,
    reasons: Vec<String>,
    /// The partner's details, each value as its JSON text.
    attributes: BTreeMap<String, AttributeText>,
    #[serde(default)]
    review_note: Option<String>,
}

/// The evaluator's calculation (`tanpu_core::rules::Breakdown`).
#[derive(Deserialize)]
struct Breakdown {
    rule_version_id: Option<RuleVersionId>,
    baseline_g: GramsCo2e,
    project_g: GramsCo2e,
    reduction_g: GramsCo2e,
    points_base: Points,
    multipliers: Vec<AppliedMultiplier>,
    self_declared_discount_percent: u8,
    caps_applied: Vec<CapApplied>,
    points: Points,
    co2e_g: GramsCo2e,
}

/// `/actions/{id}`
#[component]
pub fn ActionDetail() -> impl IntoView {
    view! { <RequireSignIn><DetailView /></RequireSignIn> }
}

#[component]
fn DetailView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let detail = fetch(move || {
        let id = params.read().get("id").unwrap_or_default();
        format!("/api/v1/me/actions/{id}")
    });
    view! {
        <h1>{i18n.tr(Msg::DetailTitle)}</h1>
        {loaded(detail, |detail: Detail| view! { <DetailBody detail /> }.into_any())}
        <p><A href="/actions">{i18n.tr(Msg::BackToActions)}</A></p>
    }
}

#[component]
fn DetailBody(detail: Detail) -> impl IntoView {
    let i18n = use_i18n();
    let action = detail.action;
    let kind = action.kind.clone();
    let (quantity, unit) = (action.quantity_milli, action.unit.clone());
    let status = action.status.clone();
    let reasons = action.reasons;
    view! {
        <dl class="facts">
            <dt>{i18n.tr(Msg::FilterKind)}</dt>
            <dd>{move || kind_name(i18n, &kind)}</dd>
            <dt>{i18n.tr(Msg::DetailWhen)}</dt>
            <dd>{when(action.started_at)} {action.ended_at.map(|e| format!(" – {}", when(Some(e))))}</dd>
            <dt>{i18n.tr(Msg::DetailAmount)}</dt>
            <dd>{move || amount(i18n, quantity, &unit)}</dd>
            <dt>{i18n.tr(Msg::FilterStatus)}</dt>
            <dd class=format!("badge badge-{}", action.status)>{i18n.tr(status_msg(&status))}</dd>
            {action.attributes.into_iter().map(|(k, AttributeText(v))| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
        {action.review_note.map(|n| view! { <p class="notice notice-ok">{i18n.tr(Msg::ReviewerSaid)} {n}</p> })}
        {(!reasons.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="why-title">
                <h2 id="why-title">{i18n.tr(Msg::WhyNot)}</h2>
                <ul>
                    {reasons.into_iter().map(|code| view! { <li>{i18n.tr(decision_reason_msg(&code))}</li> }).collect_view()}
                </ul>
            </section>
        })}
        {detail.breakdown.map(|b| view! { <Calculation breakdown=b /> })}
    }
}

/// The evaluator's breakdown, line by line.
#[component]
fn Calculation(breakdown: Breakdown) -> impl IntoView {
    let i18n = use_i18n();
    let g = move |grams: i64| format!("{grams} {}", i18n.t(Msg::Grams));
    let line = move |label: Msg, value: String| {
        view! { <tr><th scope="row">{i18n.tr(label)}</th><td>{value}</td></tr> }
    };
    let multipliers = breakdown
        .multipliers
        .iter()
        .map(|m| {
            let label = m.label.clone();
            let percent = m.percent;
            view! {
                <tr>
                    <th scope="row">{move || if i18n.lang() == Lang::Zh { label.zh_cn.clone() } else { label.en.clone() }}</th>
                    <td>{format!("× {percent}%")}</td>
                </tr>
            }
        })
        .collect_view();
    let caps = breakdown
        .caps_applied
        .iter()
        .map(|cap| {
            let msg = match cap.scope {
                CapScope::KindPerDay => Msg::CapKindDay,
                CapScope::KindPerMonth => Msg::CapKindMonth,
                CapScope::OverallPerDay => Msg::CapAllDay,
                CapScope::OverallPerMonth => Msg::CapAllMonth,
            };
            line(msg, format!("{} / {}", cap.remaining.0, cap.limit.0))
        })
        .collect_view();
    let discount = breakdown.self_declared_discount_percent;
    view! {
        <section class="card" aria-labelledby="how-title">
            <h2 id="how-title">{i18n.tr(Msg::DetailHow)}</h2>
            <table class="calculation">
                <tbody>
                    {line(Msg::Baseline, g(breakdown.baseline_g.0))}
                    {line(Msg::Project, g(breakdown.project_g.0))}
                    {line(Msg::Reduction, g(breakdown.reduction_g.0))}
                    {line(Msg::PointsBase, breakdown.points_base.0.to_string())}
                    {multipliers}
                    {(discount > 0).then(|| line(Msg::SelfDiscount, format!("− {discount}%")))}
                    {caps}
                    {line(Msg::PointsFinal, breakdown.points.0.to_string())}
                    {line(Msg::Co2eCredited, g(breakdown.co2e_g.0))}
                    {line(Msg::RuleVersionLabel, breakdown.rule_version_id.map_or_else(String::new, |v| format!("#{v}")))}
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::Detail;
    use crate::components::action_row::sample_item;
    use tanpu_core::api::ActionDetail;
    use tanpu_core::ids::{RuleId, RuleVersionId};
    use tanpu_core::rules::{
        ActionKind, AppliedMultiplier, Breakdown, CapApplied, CapScope, Quantity, Text, Unit,
    };
    use tanpu_core::units::{GramsCo2e, Points};

    #[test]
    fn the_page_reads_the_detail_the_server_writes() {
        let breakdown = Breakdown {
            rule_id: Some(RuleId(3)),
            rule_version_id: Some(RuleVersionId(7)),
            kind: ActionKind::BUS_RIDE,
            quantity: Quantity::parse("7.4").expect("quantity"),
            unit: Unit::Km,
            local_start: chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
                .and_then(|d| d.and_hms_opt(8, 10, 0))
                .expect("time"),
            baseline_g: GramsCo2e(2_000),
            project_g: GramsCo2e(187),
            reduction_g: GramsCo2e(1_813),
            points_base: Points(18),
            multipliers: vec![AppliedMultiplier {
                label: Text {
                    zh_cn: "供暖季".to_owned(),
                    en: "Heating season".to_owned(),
                },
                percent: 150,
            }],
            points_after_multipliers: Points(27),
            self_declared_discount_percent: 0,
            points_before_caps: Points(27),
            caps_applied: vec![CapApplied {
                scope: CapScope::KindPerDay,
                limit: Points(50),
                used: Points(40),
                remaining: Points(10),
            }],
            points: Points(10),
            co2e_g: GramsCo2e(1_813),
        };
        let written = ActionDetail {
            action: sample_item(),
            breakdown: Some(breakdown.clone()),
        };
        let read: Detail =
            serde_json::from_str(&serde_json::to_string(&written).expect("written")).expect("read");

        let (action, item) = (read.action, written.action);
        assert_eq!(action.kind, item.kind);
        assert_eq!(
            (action.started_at, action.ended_at),
            (item.started_at, item.ended_at)
        );
        assert_eq!(
            (action.quantity_milli, action.unit),
            (item.quantity_milli, item.unit)
        );
        assert_eq!(action.status, item.status);
        assert_eq!(action.reasons, item.reasons);
        assert_eq!(action.review_note, item.review_note);
        let attributes: Vec<(String, String)> = action
            .attributes
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect();
        assert_eq!(
            attributes,
            [("fare_yuan", "1.5"), ("route", "K5"), ("stops", "6")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );

        let calc = read.breakdown.expect("breakdown");
        assert_eq!(calc.rule_version_id, breakdown.rule_version_id);
        assert_eq!(
            (
                calc.baseline_g,
                calc.project_g,
                calc.reduction_g,
                calc.co2e_g
            ),
            (
                breakdown.baseline_g,
                breakdown.project_g,
                breakdown.reduction_g,
                breakdown.co2e_g
            )
        );
        assert_eq!(
            (calc.points_base, calc.points),
            (breakdown.points_base, breakdown.points)
        );
        assert_eq!(calc.multipliers, breakdown.multipliers);
        assert_eq!(
            calc.self_declared_discount_percent,
            breakdown.self_declared_discount_percent
        );
        assert_eq!(calc.caps_applied, breakdown.caps_applied);

        let without: Detail = serde_json::from_str(
            &serde_json::to_string(&ActionDetail {
                action: sample_item(),
                breakdown: None,
            })
            .expect("written"),
        )
        .expect("read");
        assert!(without.breakdown.is_none());
    }
}
