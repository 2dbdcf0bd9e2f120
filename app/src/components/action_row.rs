//! One action in a list: what, when, how much, and its outcome.

use crate::display::{amount, kind_name, when};
use crate::i18n::{status_msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::ActionItem;

/// A link to the action's details.
#[component]
pub fn ActionRow(item: ActionItem) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/actions/{}", item.id);
    let kind = item.kind.clone();
    let quantity = (item.quantity_milli, item.unit.clone());
    let status = item.status.clone();
    let status_class = format!("badge badge-{}", item.status);
    view! {
        <li class="action-row">
            <A href=href>
                <span class="action-kind">{move || kind_name(i18n, &kind)}</span>
                <span class="action-when">{when(item.started_at)}</span>
                <span class="action-amount">{move || amount(i18n, quantity.0, &quantity.1)}</span>
                <span class="action-points">"+" {item.points.0}</span>
                <span class=status_class>{i18n.tr(status_msg(&status))}</span>
            </A>
        </li>
    }
}
