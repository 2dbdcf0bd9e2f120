//! The draft's schedule: seasons of the year (`MM-DD`, both days inclusive,
//! may cross the new year), windows of the day (`HH:MM`, may cross
//! midnight) and days of the week. Lists can grow and shrink; each entry's
//! fields carry the validator's issues for that entry.

use super::form::{Field, Form, input};
use crate::i18n::Msg;
use leptos::prelude::*;
use tanpu_core::rules::{MonthDay, RuleVersion, Season, TimeOfDay, TimeWindow, Weekday};

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

/// A list-level message line (too many entries).
fn list_error(form: Form, id: &'static str, path: &'static str) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || form.message_text(&[path.to_owned()])}
        </p>
    }
}

/// The schedule of when actions count.
pub(super) fn schedule(form: Form) -> impl IntoView {
    let i18n = form.i18n;
    let def = form.def;
    let seasons = Memo::new(move |_| def.with(|d| d.schedule.seasons.len()));
    let windows = Memo::new(move |_| def.with(|d| d.schedule.time_windows.len()));
    let season_rows = move || {
        (0..seasons.get())
            .map(|i| {
                let n = (i + 1).to_string();
                let path = format!("schedule.seasons[{i}]");
                view! {
                    <div class="field-row">
                        {input(form, Field {
                            path: format!("{path}.start"), also: Vec::new(),
                            id: format!("season-{i}-start"), label: Msg::SeasonStart,
                            suffix: Some(n.clone()), input_type: "text",
                            show: |d: &RuleVersion, i| d.schedule.seasons.get(i).map(|s| s.start.to_string()).unwrap_or_default(),
                            read: month_day,
                            store: |d: &mut RuleVersion, i, v| if let Some(s) = d.schedule.seasons.get_mut(i) { s.start = v; },
                            index: i,
                        })}
                        {input(form, Field {
                            path: format!("{path}.end"), also: Vec::new(),
                            id: format!("season-{i}-end"), label: Msg::SeasonEnd,
                            suffix: Some(n.clone()), input_type: "text",
                            show: |d: &RuleVersion, i| d.schedule.seasons.get(i).map(|s| s.end.to_string()).unwrap_or_default(),
                            read: month_day,
                            store: |d: &mut RuleVersion, i, v| if let Some(s) = d.schedule.seasons.get_mut(i) { s.end = v; },
                            index: i,
                        })}
                        <button type="button" class="secondary"
                            aria-label=move || format!("{} {n}", i18n.t(Msg::RemoveSeason))
                            on:click=move |_| {
                                form.forget("schedule.seasons");
                                def.update(|d| { d.schedule.seasons.remove(i); });
                            }>{i18n.tr(Msg::RemoveSeason)}</button>
                    </div>
                }
            })
            .collect_view()
    };
    let window_rows = move || {
        (0..windows.get())
            .map(|i| {
                let n = (i + 1).to_string();
                let path = format!("schedule.time_windows[{i}]");
                view! {
                    <div class="field-row">
                        {input(form, Field {
                            path: format!("{path}.start"), also: vec![path.clone()],
                            id: format!("window-{i}-start"), label: Msg::WindowStart,
                            suffix: Some(n.clone()), input_type: "text",
                            show: |d: &RuleVersion, i| d.schedule.time_windows.get(i).map(|w| w.start.to_string()).unwrap_or_default(),
                            read: time_of_day,
                            store: |d: &mut RuleVersion, i, v| if let Some(w) = d.schedule.time_windows.get_mut(i) { w.start = v; },
                            index: i,
                        })}
                        {input(form, Field {
                            path: format!("{path}.end"), also: Vec::new(),
                            id: format!("window-{i}-end"), label: Msg::WindowEnd,
                            suffix: Some(n.clone()), input_type: "text",
                            show: |d: &RuleVersion, i| d.schedule.time_windows.get(i).map(|w| w.end.to_string()).unwrap_or_default(),
                            read: time_of_day,
                            store: |d: &mut RuleVersion, i, v| if let Some(w) = d.schedule.time_windows.get_mut(i) { w.end = v; },
                            index: i,
                        })}
                        <button type="button" class="secondary"
                            aria-label=move || format!("{} {n}", i18n.t(Msg::RemoveWindow))
                            on:click=move |_| {
                                form.forget("schedule.time_windows");
                                def.update(|d| { d.schedule.time_windows.remove(i); });
                            }>{i18n.tr(Msg::RemoveWindow)}</button>
                    </div>
                }
            })
            .collect_view()
    };
    let weekdays = WEEKDAYS
        .into_iter()
        .map(|(day, label, name)| {
            let id = format!("weekday-{name}");
            view! {
                <div class="field field-check">
                    <input id=id.clone() type="checkbox"
                        prop:checked=move || def.with(|d| d.schedule.days_of_week.contains(&day))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            def.update(|d| {
                                let days = &mut d.schedule.days_of_week;
                                days.retain(|d| *d != day);
                                if on {
                                    days.push(day);
                                    days.sort();
                                }
                            });
                        } />
                    <label for=id>{i18n.tr(label)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="rule-group">
            <legend>{i18n.tr(Msg::ScheduleTitle)}</legend>
            <p class="field-hint">{i18n.tr(Msg::ScheduleHint)}</p>
            <fieldset class="rule-group" aria-describedby="seasons-error">
                <legend>{i18n.tr(Msg::SeasonsTitle)}</legend>
                {season_rows}
                {list_error(form, "seasons-error", "schedule.seasons")}
                <button type="button" class="secondary" on:click=move |_| {
                    let whole_year = Season { start: MonthDay::new(1, 1).expect("01-01 exists"), end: MonthDay::new(12, 31).expect("12-31 exists") };
                    def.update(|d| d.schedule.seasons.push(whole_year));
                }>{i18n.tr(Msg::AddSeason)}</button>
            </fieldset>
            <fieldset class="rule-group" aria-describedby="windows-hint windows-error">
                <legend>{i18n.tr(Msg::WindowsTitle)}</legend>
                <p class="field-hint" id="windows-hint">{i18n.tr(Msg::WindowsHint)}</p>
                {window_rows}
                {list_error(form, "windows-error", "schedule.time_windows")}
                <button type="button" class="secondary" on:click=move |_| {
                    let night = TimeWindow { start: TimeOfDay::from_hm(20, 0).expect("20:00 exists"), end: TimeOfDay::from_hm(6, 0).expect("06:00 exists") };
                    def.update(|d| d.schedule.time_windows.push(night));
                }>{i18n.tr(Msg::AddWindow)}</button>
            </fieldset>
            <fieldset class="kinds" aria-describedby="weekdays-error">
                <legend>{i18n.tr(Msg::WeekdaysTitle)}</legend>
                {weekdays}
                <p class="field-error" id="weekdays-error" aria-live="polite">
                    {move || {
                        let paths: Vec<String> = (0..7).map(|i| format!("schedule.days_of_week[{i}]")).collect();
                        form.message_text(&paths)
                    }}
                </p>
            </fieldset>
        </fieldset>
    }
}
