//! The draft editor's form state and its field controls.
//!
//! The draft lives in one signal as the `RuleVersion` core validates, so the
//! editor shows exactly what `validate()` (and, on publishing, the server)
//! thinks of it. Text that cannot even become a value (a time of `25:00`, a
//! letter in a number) never reaches the draft: it is kept as an "unparsed"
//! issue on its field until corrected, and saving waits for it.

use crate::i18n::{I18n, Msg, issue_msg};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::str::FromStr;
use tanpu_core::rules::{FieldIssue, Quantity, RuleVersion};

/// The draft being edited and what is wrong with it.
#[derive(Clone, Copy)]
pub(super) struct Form {
    /// The draft as it would be saved.
    pub def: RwSignal<RuleVersion>,
    /// What core's `validate()` says about it.
    pub issues: Memo<Vec<FieldIssue>>,
    /// Field path → why the text typed there is not a value.
    pub unparsed: RwSignal<BTreeMap<String, Msg>>,
    /// The catalogue.
    pub i18n: I18n,
}

impl Form {
    /// Whether the draft may be sent: everything typed is a value.
    pub fn complete(self) -> bool {
        self.unparsed.with(BTreeMap::is_empty)
    }

    /// Whether the draft may be simulated or published.
    pub fn valid(self) -> bool {
        self.complete() && self.issues.with(Vec::is_empty)
    }

    /// The messages for the fields at `paths`: unreadable text first, then
    /// the validator's issues.
    pub fn messages(self, paths: &[String]) -> Vec<Msg> {
        let mut out: Vec<Msg> = self
            .unparsed
            .with(|u| paths.iter().filter_map(|p| u.get(p).copied()).collect());
        self.issues.with(|issues| {
            out.extend(
                issues
                    .iter()
                    .filter(|i| paths.contains(&i.field))
                    .map(|i| issue_msg(i.code)),
            );
        });
        out
    }

    /// The messages for `paths` as one text.
    pub fn message_text(self, paths: &[String]) -> String {
        self.messages(paths)
            .into_iter()
            .map(|m| self.i18n.t(m))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Forgets unreadable text under a path prefix (a list entry removed).
    pub fn forget(self, prefix: &str) {
        self.unparsed
            .update(|u| u.retain(|k, _| !k.starts_with(prefix)));
    }
}

/// A field: how to show its value, read typed text, and store it. `I` says
/// which value in the draft (a list index, or a schedule and its entry).
pub(super) struct Field<T, I = usize> {
    /// The path of the value in the rule's JSON; unreadable text is kept
    /// under it.
    pub path: String,
    /// Further paths whose issues belong next to this field.
    pub also: Vec<String>,
    /// The element id.
    pub id: String,
    /// The label.
    pub label: Msg,
    /// The text the label ends with (a list entry's number, a multiplier's
    /// label), if any.
    pub suffix: Option<Signal<String>>,
    /// `text`, `number`, `datetime-local`, or `textarea` for a text area.
    pub input_type: &'static str,
    /// The value as text.
    pub show: fn(&RuleVersion, I) -> String,
    /// Text to value, or why not.
    pub read: fn(&str) -> Result<T, Msg>,
    /// Stores a value.
    pub store: fn(&mut RuleVersion, I, T),
    /// What `show` and `store` get (0 outside lists).
    pub index: I,
}

/// An input bound to one value of the draft, with its messages beside it.
pub(super) fn input<T: 'static, I: Copy + Send + Sync + 'static>(
    form: Form,
    field: Field<T, I>,
) -> impl IntoView {
    let Field {
        path,
        also,
        id,
        label,
        suffix,
        input_type,
        show,
        read,
        store,
        index,
    } = field;
    let i18n = form.i18n;
    let error_id = format!("{id}-error");
    // Only this value: other edits must not reset what is being typed.
    let value = Memo::new(move |_| form.def.with(|d| show(d, index)));
    let paths: Vec<String> = std::iter::once(path.clone()).chain(also).collect();
    let shown = {
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
    let on_input = move |ev: leptos::ev::Event| match read(event_target_value(&ev).trim()) {
        Ok(v) => {
            if form.unparsed.with_untracked(|u| u.contains_key(&path)) {
                form.unparsed.update(|u| {
                    u.remove(&path);
                });
            }
            form.def.update(|d| store(d, index, v));
        }
        Err(msg) => form.unparsed.update(|u| {
            u.insert(path.clone(), msg);
        }),
    };
    let control = if input_type == "textarea" {
        view! {
            <textarea id=id.clone() rows="4" prop:value=value aria-invalid=invalid
                aria-describedby=error_id.clone() on:input=on_input></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() type=input_type prop:value=value aria-invalid=invalid
                aria-describedby=error_id.clone() on:input=on_input />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{i18n.tr(label)}{suffix.map(|s| move || format!(" {}", s.get()))}</label>
            {control}
            <p class="field-error" id=error_id aria-live="polite">{shown}</p>
        </div>
    }
}

/// A whole number.
pub(super) fn whole<T: FromStr>(text: &str) -> Result<T, Msg> {
    text.parse().map_err(|_| Msg::ErrWholeNumber)
}

/// A whole number, or nothing when empty.
pub(super) fn optional_whole<T: FromStr>(text: &str) -> Result<Option<T>, Msg> {
    if text.is_empty() {
        Ok(None)
    } else {
        whole(text).map(Some)
    }
}

/// A quantity (`7.4`).
pub(super) fn quantity(text: &str) -> Result<Quantity, Msg> {
    Quantity::parse(text).map_err(|_| Msg::ErrQuantity)
}

/// A quantity, or nothing when empty.
pub(super) fn optional_quantity(text: &str) -> Result<Option<Quantity>, Msg> {
    if text.is_empty() {
        Ok(None)
    } else {
        quantity(text).map(Some)
    }
}

/// An optional value as text.
pub(super) fn or_empty<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}
