//! The evaluator (`tanpu_core::rules::evaluate`) on arbitrary actions and
//! contexts, against the seed rules and against arbitrary rule versions
//! (valid or not: the evaluator promises an answer for any rule).
//!
//! Two input forms. A file starting with `{` is a JSON case,
//! `{"action": …, "context": …, "rule": …}` (`rule` optional), so the seeds
//! are real actions in the partner record's shape. Anything else is decoded
//! with `arbitrary` into the structured case below, which keeps values
//! mostly near real ones (times around the deployment, small totals,
//! calendar values that exist) and sometimes anywhere.
//!
//! Properties, for every decision:
//! - no panic, and the same answer twice (the evaluator is pure);
//! - nothing negative: grams, points at every step, what a cap left;
//! - caps never exceeded: points credited plus points already credited stay
//!   within every cap, also over several actions in a row (totals carried
//!   as the server carries them); a cap that cut an action to nothing says
//!   `cap_reached`;
//! - the caps only cut: points after caps ≤ before, CO2e credited ≤ the
//!   reduction, and a preview (no caps) computes the same points before caps;
//! - the status matches the reasons (accepted: none; rejected: a rejecting
//!   one; held: only holding ones); a preview never reports a reason about
//!   the citizen (too old, in future, overlap, frozen, cap);
//! - an action of another kind than the rule's is `kind_not_allowed`.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use tanpu_core::rules::{
    Action, ActionKind, Caps, Context, Decision, MonthDay, Multiplier, Plausibility, PointMethod,
    Quantity, QuantityBounds, ReasonCode, Reduction, RuleVersion, Schedule, Season, Severity, Text,
    TimeOfDay, TimeSpan, TimeWindow, Totals, Unit, Weekday, evaluate, seed_rules, version_in_force,
};
use tanpu_core::units::Points;

// ---------------------------------------------------------------------------
// The structured input.
// ---------------------------------------------------------------------------

/// An instant: mostly within a few years of the deployment.
#[derive(Arbitrary, Debug)]
enum When {
    Near(u32),
    Any(i64),
}

impl When {
    fn instant(&self) -> DateTime<Utc> {
        let secs = match *self {
            // 2025-06 to 2031-10.
            Self::Near(s) => 1_750_000_000 + i64::from(s % 200_000_000),
            Self::Any(s) => s.clamp(
                DateTime::<Utc>::MIN_UTC.timestamp(),
                DateTime::<Utc>::MAX_UTC.timestamp(),
            ),
        };
        DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }
}

#[derive(Arbitrary, Debug)]
enum Kind {
    BuiltIn(u8),
    Custom(String),
}

impl Kind {
    fn kind(&self) -> ActionKind {
        match self {
            Self::BuiltIn(i) => ActionKind::BUILT_IN[usize::from(*i) % 6].clone(),
            Self::Custom(name) => ActionKind::parse(name).unwrap_or(ActionKind::BUS_RIDE),
        }
    }
}

fn unit(i: u8) -> Unit {
    Unit::ALL[usize::from(i) % Unit::ALL.len()]
}

#[derive(Arbitrary, Debug)]
enum Amount {
    Small(u32),
    Any(u64),
}

impl Amount {
    fn quantity(&self) -> Quantity {
        let t = match *self {
            Self::Small(t) => i64::from(t % 200_000),
            Self::Any(t) => (t % (Quantity::MAX.thousandths() as u64 + 1)) as i64,
        };
        Quantity::from_thousandths(t).unwrap_or_default()
    }
}

/// Points: mostly small and non-negative, sometimes anything.
#[derive(Arbitrary, Debug)]
enum Pts {
    Small(u16),
    Any(i64),
}

impl Pts {
    fn points(&self) -> Points {
        match *self {
            Self::Small(p) => Points(i64::from(p)),
            Self::Any(p) => Points(p),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct FuzzAction {
    kind: Kind,
    quantity: Amount,
    unit: u8,
    started_at: When,
    /// Seconds after the start (negative: an end before the start).
    duration: Option<i32>,
    self_declared: bool,
}

impl FuzzAction {
    fn action(&self) -> Action {
        let started_at = self.started_at.instant();
        let mut action = Action::new(
            self.kind.kind(),
            self.quantity.quantity(),
            unit(self.unit),
            started_at,
        );
        action.ended_at = self
            .duration
            .and_then(|d| started_at.checked_add_signed(chrono::TimeDelta::seconds(i64::from(d))));
        action.self_declared = self.self_declared;
        action
    }
}

#[derive(Arbitrary, Debug)]
struct FuzzContext {
    now: When,
    preview: bool,
    account_frozen: bool,
    totals: [Pts; 4],
    other_actions: Vec<(When, Option<u16>)>,
}

impl FuzzContext {
    fn context(&self) -> Context {
        let [kind_today, kind_month, all_today, all_month] = &self.totals;
        Context {
            now: self.now.instant(),
            preview: self.preview,
            account_frozen: self.account_frozen,
            totals: Totals {
                kind_today: kind_today.points(),
                kind_month: kind_month.points(),
                all_today: all_today.points(),
                all_month: all_month.points(),
            },
            other_actions: self
                .other_actions
                .iter()
                .take(8)
                .map(|(start, minutes)| {
                    let started_at = start.instant();
                    TimeSpan {
                        started_at,
                        ended_at: minutes.and_then(|m| {
                            started_at.checked_add_signed(chrono::TimeDelta::minutes(i64::from(m)))
                        }),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct FuzzSchedule {
    seasons: Vec<(u8, u8, u8, u8)>,
    windows: Vec<(u8, u8, u8, u8)>,
    days: Vec<u8>,
}

fn month_day(m: u8, d: u8) -> MonthDay {
    let month = m % 12 + 1;
    MonthDay::new(month, d % 31 + 1)
        .or_else(|| MonthDay::new(month, 28))
        .expect("the 28th exists in every month")
}

fn time_of_day(h: u8, m: u8) -> TimeOfDay {
    TimeOfDay::from_hm(h % 24, m % 60).expect("in range")
}

impl FuzzSchedule {
    fn schedule(&self) -> Schedule {
        const DAYS: [Weekday; 7] = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ];
        Schedule {
            seasons: (self.seasons.iter().take(14))
                .map(|&(a, b, c, d)| Season {
                    start: month_day(a, b),
                    end: month_day(c, d),
                })
                .collect(),
            time_windows: (self.windows.iter().take(14))
                .map(|&(a, b, c, d)| TimeWindow {
                    start: time_of_day(a, b),
                    end: time_of_day(c, d),
                })
                .collect(),
            days_of_week: (self.days.iter().take(9))
                .map(|&d| DAYS[usize::from(d) % 7])
                .collect(),
        }
    }
}

/// Milligrams: mostly realistic, sometimes anything.
#[derive(Arbitrary, Debug)]
enum Mg {
    Small(u32),
    Any(i64),
}

impl Mg {
    fn mg(&self) -> i64 {
        match *self {
            Self::Small(v) => i64::from(v),
            Self::Any(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum FuzzReduction {
    Factors(Mg, Mg),
    Fixed(Mg),
    None,
}

#[derive(Arbitrary, Debug)]
enum FuzzPoints {
    Kg(Mg),
    Unit(Mg),
    Action(Mg),
}

#[derive(Arbitrary, Debug)]
struct FuzzRule {
    kind: Kind,
    unit: u8,
    reduction: FuzzReduction,
    points: FuzzPoints,
    schedule: FuzzSchedule,
    multipliers: Vec<(u16, FuzzSchedule)>,
    caps: [Option<Pts>; 4],
    bounds: (Amount, Option<Amount>),
    max_speed_kmh: Option<u16>,
    max_fill: Option<Amount>,
    claim_window_days: u16,
    clock_skew_seconds: u16,
    self_declared_discount_percent: u8,
    effective_from: When,
    effective_until: Option<When>,
}

impl FuzzRule {
    fn rule(&self) -> RuleVersion {
        let [per_day, per_month, overall_per_day, overall_per_month] =
            self.caps.each_ref().map(|c| c.as_ref().map(Pts::points));
        RuleVersion {
            id: None,
            rule_id: None,
            kind: self.kind.kind(),
            unit: unit(self.unit),
            name: Text::new("规则", "Rule"),
            description: Text::default(),
            reduction: match &self.reduction {
                FuzzReduction::Factors(b, p) => Reduction::Factors {
                    baseline_mg_per_unit: b.mg(),
                    project_mg_per_unit: p.mg(),
                },
                FuzzReduction::Fixed(r) => Reduction::Fixed {
                    reduction_mg: r.mg(),
                },
                FuzzReduction::None => Reduction::None {},
            },
            points: match &self.points {
                FuzzPoints::Kg(p) => PointMethod::PerKgCo2e {
                    points_per_kg: p.mg(),
                },
                FuzzPoints::Unit(p) => PointMethod::PerUnit {
                    points_per_unit: p.mg(),
                },
                FuzzPoints::Action(p) => PointMethod::PerAction { points: p.mg() },
            },
            schedule: self.schedule.schedule(),
            multipliers: (self.multipliers.iter().take(10))
                .map(|(percent, when)| Multiplier {
                    label: Text::new("倍数", "Multiplier"),
                    percent: u32::from(*percent),
                    when: when.schedule(),
                })
                .collect(),
            caps: Caps {
                per_day,
                per_month,
                overall_per_day,
                overall_per_month,
            },
            bounds: QuantityBounds {
                min: self.bounds.0.quantity(),
                max: self.bounds.1.as_ref().map(Amount::quantity),
            },
            plausibility: Plausibility {
                max_speed_kmh: self.max_speed_kmh.map(u32::from),
                max_fill: self.max_fill.as_ref().map(Amount::quantity),
            },
            claim_window_days: u32::from(self.claim_window_days),
            clock_skew_seconds: u32::from(self.clock_skew_seconds),
            self_declared_discount_percent: self.self_declared_discount_percent,
            effective_from: self.effective_from.instant(),
            effective_until: self.effective_until.as_ref().map(When::instant),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum RuleChoice {
    Seed(u8),
    /// A seed rule with other caps (as an administrator may set them).
    SeedWithCaps(u8, [Option<Pts>; 4]),
    Built(Box<FuzzRule>),
}

#[derive(Arbitrary, Debug)]
struct Case {
    action: FuzzAction,
    context: FuzzContext,
    rule: RuleChoice,
}

/// A case as JSON: the seeds' form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCase {
    action: Action,
    context: Context,
    #[serde(default)]
    rule: Option<RuleVersion>,
}

// ---------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------

fn check(action: &Action, rule: &RuleVersion, ctx: &Context) {
    let decision = evaluate(action, rule, ctx);
    assert_eq!(evaluate(action, rule, ctx), decision, "not deterministic");
    let b = decision.breakdown();
    let reasons = decision.reasons();

    for (name, value) in [
        ("baseline_g", b.baseline_g.0),
        ("project_g", b.project_g.0),
        ("reduction_g", b.reduction_g.0),
        ("co2e_g", b.co2e_g.0),
        ("points_base", b.points_base.0),
        ("points_after_multipliers", b.points_after_multipliers.0),
        ("points_before_caps", b.points_before_caps.0),
        ("points", b.points.0),
        ("decision points", decision.points().0),
        ("decision co2e", decision.co2e().0),
    ] {
        assert!(value >= 0, "{name} = {value}: {decision:?}");
    }
    assert!(b.caps_applied.iter().all(|c| c.remaining.0 >= 0));
    assert!(b.points <= b.points_before_caps, "caps added points");
    assert!(b.co2e_g <= b.reduction_g, "caps added CO2e");
    if b.points == b.points_before_caps {
        assert_eq!(b.co2e_g, b.reduction_g, "CO2e cut without a cap");
    }

    match &decision {
        Decision::Accepted { .. } => assert!(reasons.is_empty()),
        Decision::Rejected { .. } => {
            assert!(reasons.iter().any(|r| r.severity() == Severity::Reject));
        }
        Decision::Held { .. } => {
            assert!(!reasons.is_empty());
            assert!(reasons.iter().all(|r| r.severity() != Severity::Reject));
        }
    }
    if action.kind != rule.kind {
        assert!(reasons.contains(&ReasonCode::KindNotAllowed));
    }

    if ctx.preview {
        assert_eq!(b.points, b.points_before_caps);
        assert!(b.caps_applied.is_empty());
        for citizen in [
            ReasonCode::TooOld,
            ReasonCode::InFuture,
            ReasonCode::Overlap,
            ReasonCode::AccountFrozen,
            ReasonCode::CapReached,
        ] {
            assert!(!reasons.contains(&citizen), "{citizen:?} in a preview");
        }
    } else {
        check_caps(&decision, &rule.caps, &ctx.totals);
        let preview = Context {
            preview: true,
            ..ctx.clone()
        };
        let previewed = evaluate(action, rule, &preview);
        assert_eq!(
            previewed.breakdown().points_before_caps,
            b.points_before_caps,
            "a preview computes other points"
        );
        // The server credits one action after another, carrying the totals.
        let mut totals = ctx.totals;
        for _ in 0..3 {
            let next = Context {
                totals,
                ..ctx.clone()
            };
            let decision = evaluate(action, rule, &next);
            check_caps(&decision, &rule.caps, &totals);
            totals = totals.plus(decision.points());
        }
    }
}

/// Points credited plus points used stay within every cap that is set.
fn check_caps(decision: &Decision, caps: &Caps, totals: &Totals) {
    let b = decision.breakdown();
    let credited = i128::from(b.points.0);
    for (limit, used) in [
        (caps.per_day, totals.kind_today),
        (caps.per_month, totals.kind_month),
        (caps.overall_per_day, totals.all_today),
        (caps.overall_per_month, totals.all_month),
    ] {
        let Some(limit) = limit else { continue };
        if credited > 0 {
            assert!(
                i128::from(used.0) + credited <= i128::from(limit.0),
                "cap {limit:?} exceeded: {used:?} used, {credited} credited"
            );
        }
    }
    let cut_to_nothing = b.points_before_caps.0 > 0 && b.points.0 == 0;
    assert_eq!(
        decision.reasons().contains(&ReasonCode::CapReached),
        cut_to_nothing,
        "cap_reached exactly when a cap cut the points to nothing"
    );
}

fn run(action: &Action, ctx: &Context, rule: Option<&RuleVersion>) {
    let seeds = seed_rules();
    if let Some(rule) = rule {
        check(action, rule, ctx);
    }
    // Against the seed rule in force for the action (as the server picks
    // it), and against every seed rule as given.
    if let Some(rule) = version_in_force(&seeds, &action.kind, action.started_at) {
        check(action, rule, ctx);
    }
    for seed in &seeds {
        check(action, seed, ctx);
    }
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        if let Ok(case) = serde_json::from_slice::<JsonCase>(data) {
            run(&case.action, &case.context, case.rule.as_ref());
        }
        return;
    }
    let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let action = case.action.action();
    let ctx = case.context.context();
    let seeds = seed_rules();
    let rule = match &case.rule {
        RuleChoice::Seed(i) => seeds[usize::from(*i) % seeds.len()].clone(),
        RuleChoice::SeedWithCaps(i, caps) => {
            let mut rule = seeds[usize::from(*i) % seeds.len()].clone();
            let [per_day, per_month, overall_per_day, overall_per_month] =
                caps.each_ref().map(|c| c.as_ref().map(Pts::points));
            rule.caps = Caps {
                per_day,
                per_month,
                overall_per_day,
                overall_per_month,
            };
            rule
        }
        RuleChoice::Built(rule) => rule.rule(),
    };
    run(&action, &ctx, Some(&rule));
});
