//! The JSON shapes: rules as administrators send and store them, decisions
//! as the API answers them.

use super::support::{city, hour_later, ride, seed};
use crate::ids::{RuleId, RuleVersionId};
use crate::rules::{ActionKind, RuleVersion, evaluate, seed_rules, version_in_force};
use serde_json::json;

#[test]
fn rules_round_trip_through_json() {
    for rule in seed_rules() {
        let text = serde_json::to_string(&rule).unwrap();
        let back: RuleVersion = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rule);
    }
}

#[test]
fn a_rule_reads_from_the_editor_shape_and_refuses_unknown_fields_anywhere() {
    let rule = json!({
        "kind": "refuel_offpeak",
        "unit": "L",
        "name": {"zh_cn": "夜间错峰加油", "en": "Off-peak refuelling"},
        "description": {"zh_cn": "", "en": ""},
        "reduction": {"method": "none"},
        "points": {"method": "per_unit", "points_per_unit": 10},
        "schedule": {"time_windows": [{"start": "20:00", "end": "06:00"}]},
        "multipliers": [{
            "label": {"zh_cn": "周末", "en": "Weekends"},
            "percent": 150,
            "when": {"days_of_week": ["saturday", "sunday"]}
        }],
        "caps": {"per_day": 1200},
        "bounds": {"min": 1, "max": "120.5"},
        "plausibility": {"max_fill": 120},
        "claim_window_days": 30,
        "clock_skew_seconds": 300,
        "self_declared_discount_percent": 50,
        "effective_from": "2026-01-01T00:00:00+08:00"
    });
    let parsed: RuleVersion = serde_json::from_value(rule.clone()).unwrap();
    assert_eq!(parsed.id, None);
    assert_eq!(parsed.bounds.max.unwrap().thousandths(), 120_500);
    assert_eq!(parsed.effective_from, city(2026, 1, 1, 0, 0));

    for pointer in [
        "",
        "/name",
        "/reduction",
        "/points",
        "/schedule",
        "/caps",
        "/bounds",
        "/plausibility",
        "/multipliers/0",
        "/multipliers/0/when",
        "/schedule/time_windows/0",
    ] {
        let mut bad = rule.clone();
        bad.pointer_mut(pointer)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("surprise".into(), json!(1));
        assert!(
            serde_json::from_value::<RuleVersion>(bad).is_err(),
            "unknown field at {pointer:?}"
        );
    }
    let mut bad_time = rule;
    bad_time["schedule"]["time_windows"][0]["start"] = json!("25:00");
    assert!(serde_json::from_value::<RuleVersion>(bad_time).is_err());
}

#[test]
fn a_decision_answers_with_status_reasons_and_breakdown() {
    let mut rule = seed(&ActionKind::BUS_RIDE);
    rule.id = Some(RuleVersionId(7));
    rule.rule_id = Some(RuleId(3));
    let at = city(2026, 6, 10, 8, 10);
    let decision = evaluate(&ride("7.4", at, 20), &rule, &hour_later(at));
    let value = serde_json::to_value(&decision).unwrap();
    assert_eq!(value["status"], "accepted");
    assert_eq!(value["breakdown"]["rule_version_id"], 7);
    assert_eq!(value["breakdown"]["rule_id"], 3);
    assert_eq!(value["breakdown"]["reduction_g"], 1813);
    assert_eq!(value["breakdown"]["quantity"], 7.4);
    assert_eq!(value["breakdown"]["unit"], "km");
    assert_eq!(value["breakdown"]["local_start"], "2026-06-10T08:10:00");
    let back = serde_json::from_value(value).unwrap();
    assert_eq!(decision, back);

    let refused = evaluate(&ride("7.4", at, -1), &rule, &hour_later(at));
    let value = serde_json::to_value(&refused).unwrap();
    assert_eq!(value["status"], "rejected");
    assert_eq!(value["reasons"], json!(["invalid_record"]));
}

#[test]
fn the_version_in_force_is_chosen_by_the_actions_time() {
    let mut old = seed(&ActionKind::BUS_RIDE);
    old.id = Some(RuleVersionId(1));
    old.effective_until = Some(city(2026, 7, 1, 0, 0));
    let mut new = seed(&ActionKind::BUS_RIDE);
    new.id = Some(RuleVersionId(2));
    new.effective_from = city(2026, 7, 1, 0, 0);
    let versions = [new, old, seed(&ActionKind::METRO_RIDE)];
    let pick = |at| version_in_force(&versions, &ActionKind::BUS_RIDE, at).and_then(|v| v.id);
    assert_eq!(pick(city(2026, 6, 30, 23, 59)), Some(RuleVersionId(1)));
    assert_eq!(pick(city(2026, 7, 1, 0, 0)), Some(RuleVersionId(2)));
    assert_eq!(pick(city(2025, 7, 1, 0, 0)), None);
    assert!(version_in_force(&versions, &ActionKind::WALK, city(2026, 7, 1, 0, 0)).is_none());
}
