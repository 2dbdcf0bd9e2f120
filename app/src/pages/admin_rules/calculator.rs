//! The calculator beside the draft: one action (a quantity and a start in
//! city time) evaluated against the draft by tanpu-core's evaluator, in the
//! browser, so an administrator sees what an edit does before saving it.

use crate::i18n::{I18n, Msg, decision_reason_msg, status_msg};
use leptos::prelude::*;
use tanpu_core::rules::{Action as RuleAction, Context, Decision, Quantity, RuleVersion, evaluate};

/// The calculator for the draft in `def`.
pub(super) fn calculator(def: RwSignal<RuleVersion>, i18n: I18n) -> impl IntoView {
    let calc_quantity = RwSignal::new("7.4".to_owned());
    let calc_start = RwSignal::new(String::new());
    let calc = Memo::new(move |_| {
        let quantity = Quantity::parse(calc_quantity.get().trim()).ok()?;
        let start = chrono::DateTime::parse_from_rfc3339(&format!("{}:00+08:00", calc_start.get()))
            .ok()?
            .with_timezone(&chrono::Utc);
        // What these terms make of such an action, not whether the draft is
        // in force then: a draft takes effect when it is created or
        // published, and an example from last week should still show the
        // windows, seasons and arithmetic.
        let terms = def.get().always_in_force();
        let action = RuleAction::new(terms.kind.clone(), quantity, terms.unit, start);
        Some(evaluate(&action, &terms, &Context::preview(start)))
    });
    view! {
        <section class="card" aria-labelledby="calc-title">
            <h2 id="calc-title">{i18n.tr(Msg::CalculatorTitle)}</h2>
            <div class="field">
                <label for="calc-quantity">{i18n.tr(Msg::CalcQuantity)}</label>
                <input id="calc-quantity" type="text" bind:value=calc_quantity />
            </div>
            <div class="field">
                <label for="calc-start">{i18n.tr(Msg::CalcStart)}</label>
                <input id="calc-start" type="datetime-local" bind:value=calc_start />
            </div>
            <p role="status" aria-live="polite" class="calc-result">
                {move || calc.get().map(|d: Decision| {
                    let mut line = format!(
                        "{}: {} · {} g CO₂e",
                        i18n.t(status_msg(d.status().as_str())),
                        d.breakdown().points.0,
                        d.breakdown().co2e_g.0
                    );
                    for reason in d.reasons() {
                        line.push(' ');
                        line.push_str(i18n.t(decision_reason_msg(reason.as_str())));
                    }
                    line
                })}
            </p>
        </section>
    }
}
