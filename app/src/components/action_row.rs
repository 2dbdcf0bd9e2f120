//! One action in a list: what, when, how much, and its outcome.

use crate::display::{amount, kind_name, when};
use crate::i18n::{status_msg, use_i18n};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use tanpu_core::api::ActionItem;
use tanpu_core::units::Points;

/// An action as a row shows it: the fields of [`ActionItem`] it reads.
/// The list reads its pages as these, and serde skips the rest of each
/// item: reading a whole `ActionItem`, whose partner's attributes may be
/// any JSON, was 5.9 KB of code before optimisation (docs/PERFORMANCE.md,
/// session 19).
#[derive(Clone, serde::Deserialize)]
pub struct ActionLine {
    /// The action's id (for its detail page).
    pub id: i64,
    kind: String,
    #[serde(default, with = "tanpu_core::wire_time::option")]
    started_at: Option<DateTime<Utc>>,
    quantity_milli: i64,
    unit: String,
    status: String,
    points: Points,
}

impl From<ActionItem> for ActionLine {
    fn from(item: ActionItem) -> Self {
        Self {
            id: item.id,
            kind: item.kind,
            started_at: item.started_at,
            quantity_milli: item.quantity_milli,
            unit: item.unit,
            status: item.status,
            points: item.points,
        }
    }
}

/// A link to the action's details.
#[component]
pub fn ActionRow(item: ActionLine) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/actions/{}", item.id);
    let kind = item.kind;
    let quantity = (item.quantity_milli, item.unit);
    let status = item.status;
    let status_class = format!("badge badge-{status}");
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

/// An action as the server writes it, for the tests of the pages' readers.
#[cfg(test)]
pub(crate) fn sample_item() -> ActionItem {
    let at = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    };
    ActionItem {
        id: 41,
        kind: "bus_ride".to_owned(),
        started_at: Some(at("2026-11-29T00:10:00Z")),
        ended_at: Some(at("2026-11-29T00:32:00Z")),
        quantity_milli: 7_400,
        unit: "km".to_owned(),
        status: "accepted".to_owned(),
        points: Points(18),
        co2e_g: tanpu_core::units::GramsCo2e(1_813),
        reasons: vec!["capped".to_owned()],
        attributes: serde_json::from_str(r#"{"route":"K5","stops":6,"fare_yuan":1.5}"#)
            .expect("attributes"),
        review_note: Some("ok".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::{ActionLine, sample_item};

    #[test]
    fn a_row_reads_the_action_the_server_writes() {
        let item = sample_item();
        let line: ActionLine =
            serde_json::from_str(&serde_json::to_string(&item).expect("written")).expect("read");
        assert_eq!(line.id, item.id);
        assert_eq!(line.kind, item.kind);
        assert_eq!(line.started_at, item.started_at);
        assert_eq!(line.quantity_milli, item.quantity_milli);
        assert_eq!(line.unit, item.unit);
        assert_eq!(line.status, item.status);
        assert_eq!(line.points, item.points);
    }
}
