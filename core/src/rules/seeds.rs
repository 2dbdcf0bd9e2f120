//! The seed rules of DESIGN.md §5: where a new city starts. Every figure is
//! a starting point an administrator can change, and each rule's description
//! names the source of its figures, so the public "how to earn" page can
//! show them.
//!
//! One point is one gram of CO2e for the CO2-based rules
//! (`points_per_kg = 1000`), so points and the reduction read side by side;
//! the rules that claim no CO2e (off-peak refuelling) pay points per unit at
//! a comparable scale.

use super::action::ActionKind;
use super::calendar::{MonthDay, Schedule, Season, TimeOfDay, TimeWindow};
use super::quantity::{Quantity, Unit};
use super::rule::{
    Caps, Multiplier, Plausibility, PointMethod, QuantityBounds, Reduction, RuleVersion, Text,
};
use crate::units::Points;
use chrono::{DateTime, Utc};

/// 2026-01-01 00:00 in the city (UTC+08:00), when the seed rules start.
pub const SEEDS_EFFECTIVE_FROM_UNIX: i64 = 1_767_196_800;

/// Private car baseline, mg CO2e per passenger-km (Beijing transport
/// commission figures, about 272 g/pkm).
pub const CAR_MG_PER_PKM: i64 = 272_000;
/// Electric bus, mg per passenger-km (Shenzhen methodology, 26.9 g/pkm).
pub const BUS_MG_PER_PKM: i64 = 26_900;
/// Metro, mg per passenger-km (Shenzhen methodology, 46.7 g/pkm).
pub const METRO_MG_PER_PKM: i64 = 46_700;
/// Cycling, net reduction in mg per km (Wuhan, 93.3 g/km).
pub const BIKE_REDUCTION_MG_PER_KM: i64 = 93_300;
/// Walking, net reduction in mg per step: a 10 000-step day reaches the
/// 296 g cap (see [`WALK_DAILY_CAP`]).
pub const WALK_REDUCTION_MG_PER_STEP: i64 = 30;
/// The walking cap per day: Ant Forest's daily maximum for walking, 296 g.
pub const WALK_DAILY_CAP: Points = Points(296);
/// Petrol baseline for an EV charge, mg per kWh: a petrol car at
/// 7.0 L/100 km × 2 260 g/L against an EV at 15 kWh/100 km is 1 054.7 g
/// per kWh, rounded down.
pub const EV_PETROL_BASELINE_MG_PER_KWH: i64 = 1_054_000;
/// Grid electricity, mg per kWh: the national average grid emission factor
/// for 2022 published by the Ministry of Ecology and Environment,
/// 0.5703 t/MWh.
pub const GRID_MG_PER_KWH: i64 = 570_300;
/// Points per litre for off-peak refuelling.
pub const REFUEL_POINTS_PER_LITRE: i64 = 10;

/// The seed rules, as drafts (no ids): bus, metro, bike, walk, off-peak
/// refuelling, EV charging, in force from 2026-01-01 (city time) with no end.
#[must_use]
pub fn seed_rules() -> Vec<RuleVersion> {
    vec![bus(), metro(), bike(), walk(), refuel(), ev_charge()]
}

/// What every seed rule shares; each rule then sets its own fields.
fn base(kind: ActionKind, unit: Unit, name: Text, description: Text) -> RuleVersion {
    RuleVersion {
        id: None,
        rule_id: None,
        kind,
        unit,
        name,
        description,
        reduction: Reduction::None {},
        points: PointMethod::PerKgCo2e {
            points_per_kg: 1_000,
        },
        schedule: Schedule::default(),
        multipliers: Vec::new(),
        caps: base_caps(),
        bounds: QuantityBounds::default(),
        plausibility: Plausibility::default(),
        claim_window_days: 30,
        clock_skew_seconds: 300,
        self_declared_discount_percent: 50,
        effective_from: DateTime::<Utc>::from_timestamp(SEEDS_EFFECTIVE_FROM_UNIX, 0)
            .unwrap_or_default(),
        effective_until: None,
    }
}

/// `units.thousandths` as a quantity, for the constants below.
const fn qty(thousandths: i64) -> Quantity {
    match Quantity::from_thousandths(thousandths) {
        Some(q) => q,
        None => Quantity::ZERO,
    }
}

fn bus() -> RuleVersion {
    RuleVersion {
        reduction: Reduction::Factors {
            baseline_mg_per_unit: CAR_MG_PER_PKM,
            project_mg_per_unit: BUS_MG_PER_PKM,
        },
        multipliers: vec![Multiplier {
            label: Text::new(
                "供暖季公交免费，积分翻倍",
                "Heating season: buses are free, points doubled",
            ),
            percent: 200,
            when: Schedule {
                seasons: vec![Season {
                    start: MonthDay { month: 11, day: 15 },
                    end: MonthDay { month: 3, day: 15 },
                }],
                ..Schedule::default()
            },
        }],
        caps: Caps {
            per_day: Some(Points(10_000)),
            per_month: Some(Points(150_000)),
            ..base_caps()
        },
        bounds: QuantityBounds {
            min: qty(100),
            max: Some(qty(100_000)),
        },
        plausibility: Plausibility {
            max_speed_kmh: Some(80),
            max_fill: None,
        },
        ..base(
            ActionKind::BUS_RIDE,
            Unit::Km,
            Text::new("乘坐公交", "Bus ride"),
            Text::new(
                "减排量 = 里程 × (私家车 272 g/人公里 − 电动公交 26.9 g/人公里)。\
                 私家车基准：北京市交通委数据；公交排放因子：深圳市碳普惠方法学。\
                 供暖季（11月15日至次年3月15日，含首尾两日）公交免费，积分翻倍。\
                 另可参考武汉：每次公交出行 150 g。",
                "Reduction = km × (private car 272 g/pkm − electric bus 26.9 g/pkm). \
                 Car baseline: Beijing Municipal Commission of Transport figures; bus \
                 factor: Shenzhen's carbon-inclusion methodology. In the heating season \
                 (15 Nov – 15 Mar, both days included) buses are free and points are \
                 doubled. For comparison, Wuhan credits a flat 150 g per bus trip.",
            ),
        )
    }
}

fn metro() -> RuleVersion {
    RuleVersion {
        reduction: Reduction::Factors {
            baseline_mg_per_unit: CAR_MG_PER_PKM,
            project_mg_per_unit: METRO_MG_PER_PKM,
        },
        caps: Caps {
            per_day: Some(Points(10_000)),
            per_month: Some(Points(150_000)),
            ..base_caps()
        },
        bounds: QuantityBounds {
            min: qty(500),
            max: Some(qty(150_000)),
        },
        plausibility: Plausibility {
            max_speed_kmh: Some(120),
            max_fill: None,
        },
        ..base(
            ActionKind::METRO_RIDE,
            Unit::Km,
            Text::new("乘坐地铁", "Metro ride"),
            Text::new(
                "减排量 = 里程 × (私家车 272 g/人公里 − 地铁 46.7 g/人公里)。\
                 私家车基准：北京市交通委数据；地铁排放因子：深圳市碳普惠方法学。",
                "Reduction = km × (private car 272 g/pkm − metro 46.7 g/pkm). Car \
                 baseline: Beijing Municipal Commission of Transport figures; metro \
                 factor: Shenzhen's carbon-inclusion methodology.",
            ),
        )
    }
}

fn bike() -> RuleVersion {
    RuleVersion {
        reduction: Reduction::Factors {
            baseline_mg_per_unit: BIKE_REDUCTION_MG_PER_KM,
            project_mg_per_unit: 0,
        },
        caps: Caps {
            per_day: Some(Points(3_000)),
            per_month: Some(Points(60_000)),
            ..base_caps()
        },
        bounds: QuantityBounds {
            min: qty(300),
            max: Some(qty(60_000)),
        },
        plausibility: Plausibility {
            max_speed_kmh: Some(30),
            max_fill: None,
        },
        ..base(
            ActionKind::BIKE_TRIP,
            Unit::Km,
            Text::new("骑行", "Bike trip"),
            Text::new(
                "减排量 = 里程 × 93.3 g/公里（武汉市碳普惠骑行减排因子，已扣除骑行排放）。",
                "Reduction = km × 93.3 g/km (Wuhan's carbon-inclusion factor for cycling, \
                 net of the bike's own emissions).",
            ),
        )
    }
}

fn walk() -> RuleVersion {
    RuleVersion {
        reduction: Reduction::Factors {
            baseline_mg_per_unit: WALK_REDUCTION_MG_PER_STEP,
            project_mg_per_unit: 0,
        },
        caps: Caps {
            per_day: Some(WALK_DAILY_CAP),
            ..base_caps()
        },
        bounds: QuantityBounds {
            min: Quantity::whole(1),
            max: Some(Quantity::whole(100_000)),
        },
        claim_window_days: 7,
        ..base(
            ActionKind::WALK,
            Unit::Step,
            Text::new("步行", "Walking"),
            Text::new(
                "减排量 = 步数 × 30 mg/步，每日上限 296 g（参照蚂蚁森林步行每日最高 296 g）。\
                 30 mg/步约合 43 g/公里（每步 0.7 米），低于骑行的 93.3 g/公里，\
                 因为并非每次步行都替代了机动车出行；一万步即达每日上限。",
                "Reduction = steps × 30 mg per step, capped at 296 g a day (as Ant \
                 Forest's daily maximum for walking). 30 mg per step is about 43 g/km at \
                 0.7 m a step, below cycling's 93.3 g/km because not every walk replaces \
                 a motorised trip; 10,000 steps reach the daily cap.",
            ),
        )
    }
}

fn refuel() -> RuleVersion {
    RuleVersion {
        reduction: Reduction::None {},
        points: PointMethod::PerUnit {
            points_per_unit: REFUEL_POINTS_PER_LITRE,
        },
        schedule: Schedule {
            time_windows: vec![TimeWindow {
                start: TimeOfDay(20 * 60),
                end: TimeOfDay(6 * 60),
            }],
            ..Schedule::default()
        },
        caps: Caps {
            per_day: Some(Points(1_200)),
            per_month: Some(Points(4_000)),
            ..base_caps()
        },
        bounds: QuantityBounds {
            min: Quantity::whole(1),
            max: None,
        },
        plausibility: Plausibility {
            max_speed_kmh: None,
            max_fill: Some(Quantity::whole(120)),
        },
        ..base(
            ActionKind::REFUEL_OFFPEAK,
            Unit::Litre,
            Text::new("夜间错峰加油", "Off-peak refuelling"),
            Text::new(
                "20:00 至次日 06:00 在合作加油站加油，每升 10 积分（参照漯河 20:00–06:00；\
                 深圳为 23:00–07:00）。错峰加油减少的是白天臭氧前体物（挥发性有机物）的排放，\
                 而非二氧化碳，因此不计减排量。单次加油不超过 120 升。",
                "Refuelling at a partner station between 20:00 and 06:00 earns 10 points \
                 per litre (as Luohe, 20:00–06:00; Shenzhen uses 23:00–07:00). Its benefit \
                 is fewer daytime ozone precursors (volatile organic compounds), not less \
                 CO2, so no CO2e is claimed. At most 120 L per fill.",
            ),
        )
    }
}

fn ev_charge() -> RuleVersion {
    RuleVersion {
        reduction: Reduction::Factors {
            baseline_mg_per_unit: EV_PETROL_BASELINE_MG_PER_KWH,
            project_mg_per_unit: GRID_MG_PER_KWH,
        },
        caps: Caps {
            per_day: Some(Points(10_000)),
            per_month: Some(Points(100_000)),
            ..base_caps()
        },
        bounds: QuantityBounds {
            min: Quantity::whole(1),
            max: None,
        },
        plausibility: Plausibility {
            max_speed_kmh: None,
            max_fill: Some(Quantity::whole(150)),
        },
        ..base(
            ActionKind::EV_CHARGE,
            Unit::KilowattHour,
            Text::new("电动汽车充电", "EV charging"),
            Text::new(
                "按 T/CSAE 235-2021 的方法：减排量 = 充电量 × (燃油车基准 − 电网排放)。\
                 燃油车基准 1054 g/kWh：汽油车百公里 7.0 升 × 2260 g/升，对比电动车\
                 百公里 15 kWh（向下取整）；电网排放 570.3 g/kWh：生态环境部公布的 2022 年\
                 全国电网平均排放因子 0.5703 t/MWh。单次充电不超过 150 kWh。",
                "Following T/CSAE 235-2021: reduction = kWh × (petrol baseline − grid \
                 electricity). Petrol baseline 1054 g/kWh: a petrol car at 7.0 L/100 km × \
                 2260 g/L against an EV at 15 kWh/100 km (rounded down); grid 570.3 g/kWh: \
                 the 2022 national average grid emission factor published by the Ministry \
                 of Ecology and Environment, 0.5703 t/MWh. At most 150 kWh per charge.",
            ),
        )
    }
}

/// The overall caps shared by every seed rule.
fn base_caps() -> Caps {
    Caps {
        overall_per_day: Some(Points(20_000)),
        overall_per_month: Some(Points(300_000)),
        ..Caps::default()
    }
}
