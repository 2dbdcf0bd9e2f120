//! A schedule editor: seasons of the year (`MM-DD`, both days inclusive,
//! may cross the new year), windows of the day (`HH:MM`, may cross
//! midnight) and days of the week. The same editor serves the rule's own
//! schedule and each multiplier's, told apart by an [`Owner`]. Lists can
//! grow and shrink; each entry's fields carry the validator's issues for
//! that entry.

use super::form::{Field, Form, input};
use crate::i18n::Msg;
use leptos::prelude::*;
use tanpu_core::rules::{MonthDay, RuleVersion, Schedule, Season, TimeOfDay, TimeWindow, Weekday};

/// Whose schedule: the rule's (when actions count at all) or a
/// multiplier's (when it applies).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// `schedule`.
    Rule,
    /// `multipliers[i].when`.
    Multiplier(usize),
}

impl Owner {
    fn get(self, d: &RuleVersion) -> Option<&Schedule> {
        match self {
            Self::Rule => Some(&d.schedule),
            Self::Multiplier(m) => d.multipliers.get(m).map(|m| &m.when),
        }
    }

    fn get_mut(self, d: &mut RuleVersion) -> Option<&mut Schedule> {
        match self {
            Self::Rule => Some(&mut d.schedule),
            Self::Multiplier(m) => d.multipliers.get_mut(m).map(|m| &mut m.when),
        }
    }

    /// The schedule's path in the rule's JSON.
    fn path(self) -> String {
        match self {
            Self::Rule => "schedule".to_owned(),
            Self::Multiplier(m) => format!("multipliers[{m}].when"),
        }
    }

    /// An element id, unique on the page.
    fn id(self, rest: &str) -> String {
        match self {
            Self::Rule => rest.to_owned(),
            Self::Multiplier(m) => format!("multiplier-{m}-{rest}"),
        }
    }

    /// What ends a control's name, so that the rule's controls and each
    /// multiplier's are told apart.
    fn note(self, form: Form) -> String {
        match self {
            Self::Rule => String::new(),
            Self::Multiplier(m) => format!(" · {} {}", form.i18n.t(Msg::MultiplierN), m + 1),
        }
    }
}

/// A schedule and an entry of one of its lists.
type At = (Owner, usize);

/// Text to a time of day.
fn time_of_day(text: &str) -> Result<TimeOfDay, Msg> {
    TimeOfDay::try_from(text.to_owned()).map_err(|_| Msg::ErrTimeOfDay)
}

/// Text to a day of the year.
fn month_day(text: &str) -> Result<MonthDay, Msg> {
    MonthDay::try_from(text.to_owned()).map_err(|_| Msg::ErrMonthDay)
}

const WEEKDAYS: [(Weekday, Msg, &str); 7] = [
    (Weekday::Monday, Msg::Monday, "monday"),
    (Weekday::Tuesday, Msg::Tuesday, "tuesday"),
    (Weekday::Wednesday, Msg::Wednesday, "wednesday"),
    (Weekday::Thursday, Msg::Thursday, "thursday"),
    (Weekday::Friday, Msg::Friday, "friday"),
    (Weekday::Saturday, Msg::Saturday, "saturday"),
    (Weekday::Sunday, Msg::Sunday, "sunday"),
];

/// A list-level message line (too many entries, a day twice).
fn list_error(form: Form, id: String, paths: Vec<String>) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || form.message_text(&paths)}
        </p>
    }
}

/// One entry's field of a list in the schedule: `place` is the list and
/// the part of the entry (`("time_windows", "start")`).
fn entry<T: 'static>(
    form: Form,
    at: At,
    place: (&'static str, &'static str),
    label: Msg,
    show: fn(&RuleVersion, At) -> String,
    read: fn(&str) -> Result<T, Msg>,
    store: fn(&mut RuleVersion, At, T),
) -> impl IntoView {
    let (owner, i) = at;
    let (list, part) = place;
    let entry_path = format!("{}.{list}[{i}]", owner.path());
    let short = if list == "seasons" {
        "season"
    } else {
        "window"
    };
    // A window's own issue (empty) belongs beside its start.
    let also = if (list, part) == ("time_windows", "start") {
        vec![entry_path.clone()]
    } else {
        Vec::new()
    };
    let suffix = Signal::derive(move || format!("{}{}", i + 1, owner.note(form)));
    input(
        form,
        Field {
            path: format!("{entry_path}.{part}"),
            also,
            id: owner.id(&format!("{short}-{i}-{part}")),
            label,
            suffix: Some(suffix),
            input_type: "text",
            show,
            read,
            store,
            index: at,
        },
    )
}

/// A remove button, named for its entry.
fn remove(form: Form, owner: Owner, i: usize, label: Msg, list: &'static str) -> impl IntoView {
    let i18n = form.i18n;
    view! {
        <button type="button" class="secondary"
            aria-label=move || format!("{} {}{}", i18n.t(label), i + 1, owner.note(form))
            on:click=move |_| {
                form.forget(&format!("{}.{list}", owner.path()));
                form.def.update(|d| {
                    if let Some(s) = owner.get_mut(d) {
                        match list {
                            "seasons" => { s.seasons.remove(i); }
                            _ => { s.time_windows.remove(i); }
                        }
                    }
                });
            }>{i18n.tr(label)}</button>
    }
}

/// The rule's schedule of when actions count.
pub(super) fn schedule(form: Form) -> impl IntoView {
    view! {
        <fieldset class="rule-group">
            <legend>{form.i18n.tr(Msg::ScheduleTitle)}</legend>
            {schedule_of(form, Owner::Rule)}
        </fieldset>
    }
}

/// The lists of one schedule (inside the caller's fieldset).
pub(super) fn schedule_of(form: Form, owner: Owner) -> impl IntoView {
    let i18n = form.i18n;
    let def = form.def;
    let base = owner.path();
    let seasons = Memo::new(move |_| def.with(|d| owner.get(d).map_or(0, |s| s.seasons.len())));
    let windows =
        Memo::new(move |_| def.with(|d| owner.get(d).map_or(0, |s| s.time_windows.len())));
    let season_rows = move || {
        (0..seasons.get())
                .map(|i| {
                    view! {
                        <div class="field-row">
                            {entry(form, (owner, i), ("seasons", "start"), Msg::SeasonStart,
                                |d, (o, i)| o.get(d).and_then(|s| s.seasons.get(i)).map(|s| s.start.to_string()).unwrap_or_default(),
                                month_day,
                                |d, (o, i), v| if let Some(s) = o.get_mut(d).and_then(|s| s.seasons.get_mut(i)) { s.start = v; })}
                            {entry(form, (owner, i), ("seasons", "end"), Msg::SeasonEnd,
                                |d, (o, i)| o.get(d).and_then(|s| s.seasons.get(i)).map(|s| s.end.to_string()).unwrap_or_default(),
                                month_day,
                                |d, (o, i), v| if let Some(s) = o.get_mut(d).and_then(|s| s.seasons.get_mut(i)) { s.end = v; })}
                            {remove(form, owner, i, Msg::RemoveSeason, "seasons")}
                        </div>
                    }
                })
                .collect_view()
    };
    let window_rows = move || {
        (0..windows.get())
                .map(|i| {
                    view! {
                        <div class="field-row">
                            {entry(form, (owner, i), ("time_windows", "start"), Msg::WindowStart,
                                |d, (o, i)| o.get(d).and_then(|s| s.time_windows.get(i)).map(|w| w.start.to_string()).unwrap_or_default(),
                                time_of_day,
                                |d, (o, i), v| if let Some(w) = o.get_mut(d).and_then(|s| s.time_windows.get_mut(i)) { w.start = v; })}
                            {entry(form, (owner, i), ("time_windows", "end"), Msg::WindowEnd,
                                |d, (o, i)| o.get(d).and_then(|s| s.time_windows.get(i)).map(|w| w.end.to_string()).unwrap_or_default(),
                                time_of_day,
                                |d, (o, i), v| if let Some(w) = o.get_mut(d).and_then(|s| s.time_windows.get_mut(i)) { w.end = v; })}
                            {remove(form, owner, i, Msg::RemoveWindow, "time_windows")}
                        </div>
                    }
                })
                .collect_view()
    };
    let weekdays = WEEKDAYS
        .into_iter()
        .map(|(day, label, name)| {
            let id = owner.id(&format!("weekday-{name}"));
            view! {
                <div class="field field-check">
                    <input id=id.clone() type="checkbox"
                        prop:checked=move || def.with(|d| owner.get(d).is_some_and(|s| s.days_of_week.contains(&day)))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            def.update(|d| if let Some(s) = owner.get_mut(d) {
                                s.days_of_week.retain(|d| *d != day);
                                if on {
                                    s.days_of_week.push(day);
                                    s.days_of_week.sort();
                                }
                            });
                        } />
                    <label for=id>{i18n.tr(label)}{move || owner.note(form)}</label>
                </div>
            }
        })
        .collect_view();
    let (seasons_error, windows_hint, windows_error, weekdays_error) = (
        owner.id("seasons-error"),
        owner.id("windows-hint"),
        owner.id("windows-error"),
        owner.id("weekdays-error"),
    );
    let seasons_described = seasons_error.clone();
    let windows_described = format!("{windows_hint} {windows_error}");
    let weekdays_described = weekdays_error.clone();
    let add_label = move |msg: Msg| move || format!("{}{}", i18n.t(msg), owner.note(form));
    view! {
        <p class="field-hint">{i18n.tr(Msg::ScheduleHint)}</p>
        <fieldset class="rule-group" aria-describedby=seasons_described>
            <legend>{i18n.tr(Msg::SeasonsTitle)}</legend>
            {season_rows}
            {list_error(form, seasons_error, vec![format!("{base}.seasons")])}
            <button type="button" class="secondary" aria-label=add_label(Msg::AddSeason) on:click=move |_| {
                let whole_year = Season { start: MonthDay::new(1, 1).expect("01-01 exists"), end: MonthDay::new(12, 31).expect("12-31 exists") };
                def.update(|d| if let Some(s) = owner.get_mut(d) { s.seasons.push(whole_year); });
            }>{i18n.tr(Msg::AddSeason)}</button>
        </fieldset>
        <fieldset class="rule-group" aria-describedby=windows_described>
            <legend>{i18n.tr(Msg::WindowsTitle)}</legend>
            <p class="field-hint" id=windows_hint>{i18n.tr(Msg::WindowsHint)}</p>
            {window_rows}
            {list_error(form, windows_error, vec![format!("{base}.time_windows")])}
            <button type="button" class="secondary" aria-label=add_label(Msg::AddWindow) on:click=move |_| {
                let night = TimeWindow { start: TimeOfDay::from_hm(20, 0).expect("20:00 exists"), end: TimeOfDay::from_hm(6, 0).expect("06:00 exists") };
                def.update(|d| if let Some(s) = owner.get_mut(d) { s.time_windows.push(night); });
            }>{i18n.tr(Msg::AddWindow)}</button>
        </fieldset>
        <fieldset class="kinds" aria-describedby=weekdays_described>
            <legend>{i18n.tr(Msg::WeekdaysTitle)}</legend>
            {weekdays}
            {list_error(form, weekdays_error, (0..7).map(|i| format!("{base}.days_of_week[{i}]")).collect())}
        </fieldset>
    }
}
