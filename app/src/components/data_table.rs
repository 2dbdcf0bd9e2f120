//! Tables and lists of facts, described as data. The console shows a
//! dozen tables; describing them as data lets all of them share one copy of
//! the rendering code in the wasm bundle, where a `view!` per table would
//! add a copy each, and gives them one look and one accessible structure:
//! column headers, a name, and a container that scrolls sideways on a phone
//! (focusable, so the keyboard can scroll it too).

use crate::display::{amount, kind_name};
use crate::i18n::{Msg, decision_reason_msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// A column heading.
#[derive(Clone, Copy, Debug)]
pub enum Head {
    /// A message.
    Text(Msg),
    /// A message with the unit "grams": "减排量 (克)".
    Grams(Msg),
    /// Read to screen readers only (a column of buttons).
    Hidden(Msg),
    /// The same in every language ("#").
    Literal(&'static str),
}

/// A column: its heading, and whether it holds numbers (right-aligned).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The heading.
    pub head: Head,
    /// Numbers, aligned right.
    pub numeric: bool,
}

/// A column of words.
pub const fn text(msg: Msg) -> Column {
    Column {
        head: Head::Text(msg),
        numeric: false,
    }
}

/// A column of numbers.
pub const fn number(msg: Msg) -> Column {
    Column {
        head: Head::Text(msg),
        numeric: true,
    }
}

/// A column of grams of CO2e.
pub const fn grams(msg: Msg) -> Column {
    Column {
        head: Head::Grams(msg),
        numeric: true,
    }
}

/// What a cell shows.
pub enum Cell {
    /// Text as it is.
    Text(String),
    /// A message in the current language.
    Msg(Msg),
    /// An action kind's name.
    Kind(String),
    /// Several kinds' names.
    Kinds(Vec<String>),
    /// A quantity in thousandths with its unit.
    Amount(i64, String),
    /// A badge: its `badge-…` class and its words.
    Badge(&'static str, Msg),
    /// Machine text (a code, an id).
    Code(String),
    /// Decision reason codes, each with its plain words.
    Reasons(Vec<String>),
    /// A link inside the app.
    Link(String, String),
    /// Anything else (buttons).
    View(AnyView),
}

fn head_view(head: Head) -> AnyView {
    let i18n = use_i18n();
    match head {
        Head::Text(m) => i18n.tr(m).into_any(),
        Head::Grams(m) => (move || format!("{} ({})", i18n.t(m), i18n.t(Msg::Grams))).into_any(),
        Head::Hidden(m) => view! { <span class="visually-hidden">{i18n.tr(m)}</span> }.into_any(),
        Head::Literal(s) => s.into_any(),
    }
}

/// A cell's content as a view.
pub fn cell_view(cell: Cell) -> AnyView {
    let i18n = use_i18n();
    match cell {
        Cell::Text(s) => s.into_any(),
        Cell::Msg(m) => i18n.tr(m).into_any(),
        Cell::Kind(k) => (move || kind_name(i18n, &k)).into_any(),
        Cell::Kinds(ks) => (move || {
            ks.iter()
                .map(|k| kind_name(i18n, k))
                .collect::<Vec<_>>()
                .join("、")
        })
        .into_any(),
        Cell::Amount(q, unit) => (move || amount(i18n, q, &unit)).into_any(),
        Cell::Badge(class, m) => {
            view! { <span class=format!("badge badge-{class}")>{i18n.tr(m)}</span> }.into_any()
        }
        Cell::Code(s) => view! { <code>{s}</code> }.into_any(),
        Cell::Reasons(codes) => codes
            .into_iter()
            .map(|c| {
                let words = i18n.tr(decision_reason_msg(&c));
                view! { <span class="reason"><code>{c}</code> " " {words}</span> " " }
            })
            .collect_view()
            .into_any(),
        Cell::Link(href, label) => view! { <A href=href>{label}</A> }.into_any(),
        Cell::View(v) => v,
    }
}

/// The table, named by the element `labelled_by` (a heading's id).
#[component]
pub fn DataTable(
    /// The columns.
    columns: &'static [Column],
    /// The rows, one cell per column.
    rows: Vec<Vec<Cell>>,
    /// The id of the element that names the table.
    labelled_by: String,
    /// Wide tables keep a minimum width and scroll sideways on a phone.
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    let heads = columns
        .iter()
        .map(|c| {
            let class = if c.numeric { "num" } else { "" };
            view! { <th scope="col" class=class>{head_view(c.head)}</th> }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .zip(columns)
                .map(|(cell, c)| {
                    let class = if c.numeric { "num" } else { "" };
                    view! { <td class=class>{cell_view(cell)}</td> }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let group_label = labelled_by.clone();
    view! {
        <div class="table-scroll" tabindex="0" role="group" aria-labelledby=group_label>
            <table class=if wide { "data wide" } else { "data" } aria-labelledby=labelled_by>
                <thead><tr>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// A card with a heading and its table, or a line saying there is nothing
/// to show.
#[component]
pub fn TableSection(
    /// The heading, which also names the table.
    title: Msg,
    /// The heading's id.
    id: &'static str,
    /// Said instead of an empty table.
    empty: Msg,
    /// The columns.
    columns: &'static [Column],
    /// The rows.
    rows: Vec<Vec<Cell>>,
    /// Keeps a minimum width (see [`DataTable`]).
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let table = if rows.is_empty() {
        view! { <p class="muted">{i18n.tr(empty)}</p> }.into_any()
    } else {
        view! { <DataTable columns rows labelled_by=id.to_owned() wide /> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{i18n.tr(title)}</h2>
            {table}
        </section>
    }
}

/// Terms and their values, as a description list (`<dl class="facts">`).
#[component]
pub fn Facts(
    /// Each term and what it is.
    items: Vec<(Msg, Cell)>,
    /// An extra class for the list.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = items
        .into_iter()
        .map(|(term, value)| view! { <dt>{i18n.tr(term)}</dt><dd>{cell_view(value)}</dd> })
        .collect_view();
    view! { <dl class=format!("facts {class}")>{items}</dl> }
}
