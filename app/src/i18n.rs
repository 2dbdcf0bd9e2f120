//! The i18n catalogue: every string the UI shows, in zh-CN (the default) and
//! English. A message is an enum variant, so a missing translation is a
//! compile error rather than a blank on screen.
//!
//! The chosen language persists in `localStorage` and is mirrored to
//! `<html lang>` so screen readers pronounce the page correctly.

use leptos::prelude::*;
use tanpu_core::api::{RewardCategory, VoucherStatus};

const STORAGE_KEY: &str = "tanpu.lang";

/// A language of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, as used in `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "zh-CN" => Some(Self::Zh),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Self {
        match self {
            Self::Zh => Self::En,
            Self::En => Self::Zh,
        }
    }
}

/// Every message of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    BrandName,
    NavHome,
    NavHowItWorks,
    NavLabel,
    SwitchLanguage,
    LanguageName,
    HeroTitle,
    HeroLead,
    CityTotals,
    StatCitizens,
    StatCo2e,
    StatCredits,
    StatCitizensUnit,
    StatCreditsUnit,
    Loading,
    ErrorNetwork,
    ErrorServer,
    Retry,
    LearnHow,
    HowTitle,
    HowLead,
    HowStepsTitle,
    HowStep1,
    HowStep2,
    HowStep3,
    HowStep4,
    HowHonestyTitle,
    HowHonesty,
    NotFoundTitle,
    NotFoundText,
    BackHome,
    PrivacyTitleMine,
    ExportData,
    ExportReady,
    DeleteTitle,
    DeleteWarning,
    DeleteConfirm,
    DeleteSubmit,
    NavRules,
    RulesTitle,
    RuleKindCol,
    RuleNameCol,
    RuleInForceCol,
    Edit,
    NoneInForce,
    DraftTitle,
    NewDraft,
    SaveDraft,
    Publish,
    Simulate,
    Published,
    ValidationOk,
    MultiplierPercent,
    CapPerDay,
    CapPerMonth,
    BaselineMg,
    ProjectMg,
    CalculatorTitle,
    CalcQuantity,
    CalcStart,
    SimulationTitle,
    SimActions,
    SimChanged,
    SimBefore,
    SimAfter,
    HistoryTitle,
    Saved2,
    RulesInForce,
    RuleReduction,
    RulePoints,
    RuleWhen,
    RuleBonus,
    RuleCaps,
    RuleVersionNo,
    NoCo2e,
    PerKg,
    PerUnitWord,
    PerActionWord,
    Anytime,
    PerDay,
    PerMonth,
    NavReview,
    ClaimLink,
    ClaimTitle,
    ClaimHelp,
    ClaimStart,
    ClaimEnd,
    ClaimQuantity,
    ClaimNote,
    ClaimSubmit,
    ErrNotAQuantity,
    ErrEndBeforeStart,
    ReviewTitle,
    ReviewEmpty,
    ReviewClaim,
    ReviewPartner,
    ReviewNoteLabel,
    Approve,
    Reject,
    PointsIfApproved,
    ReviewerSaid,
    NavActions,
    Hello,
    HomeBalance,
    HomeCo2eMonth,
    HomeCo2eTotal,
    HomeStreak,
    DaysUnit,
    TreeSource,
    ChartTitle,
    ChartData,
    ChartWeek,
    ChartTotal,
    RecentTitle,
    SeeAll,
    NoActionsYet,
    BindNow,
    ActionsTitle,
    FilterKind,
    FilterStatus,
    FilterMonth,
    All,
    LoadMore,
    NoMatches,
    StatusAccepted,
    StatusRejected,
    StatusHeld,
    KindBus,
    KindMetro,
    KindBike,
    KindWalk,
    KindRefuel,
    KindEv,
    UnitKm,
    UnitTrip,
    UnitL,
    UnitKwh,
    UnitStep,
    ReasonUnbound,
    ReasonKindNotAllowed,
    ReasonQuantity,
    ReasonSpeed,
    ReasonWindow,
    ReasonSeason,
    ReasonTooOld,
    ReasonInFuture,
    ReasonOverlap,
    ReasonCap,
    ReasonFrozen,
    ReasonInvalid,
    ReasonSelfDeclared,
    DetailTitle,
    DetailWhen,
    DetailAmount,
    DetailHow,
    Baseline,
    Project,
    Reduction,
    PointsBase,
    SelfDiscount,
    CapKindDay,
    CapKindMonth,
    CapAllDay,
    CapAllMonth,
    PointsFinal,
    Co2eCredited,
    RuleVersionLabel,
    WhyNot,
    BackToActions,
    Grams,
    NicknameTitle,
    Saved,
    Save,
    NavLogin,
    NavRegister,
    NavProfile,
    NavPrivacy,
    RegisterTitle,
    FieldLogin,
    FieldNickname,
    FieldPassword,
    FieldPasswordHint,
    ConsentLabel,
    ReadPrivacy,
    RegisterSubmit,
    HaveAccount,
    LoginTitle,
    LoginSubmit,
    NoAccount,
    Submitting,
    ProfileLogin,
    ProfileRole,
    RoleCitizen,
    RoleReviewer,
    RoleAdmin,
    BindingsTitle,
    BindingsHelp,
    BindingsEmpty,
    BindingType,
    BindingValue,
    SubjectTransitCard,
    SubjectPlate,
    SubjectFuelCard,
    BindSubmit,
    Unbind,
    PasswordTitle,
    FieldCurrentPassword,
    FieldNewPassword,
    PasswordSubmit,
    PasswordChanged,
    Logout,
    ErrRequired,
    ErrNotALogin,
    ErrTooShort,
    ErrTooLong,
    ErrTooCommon,
    ErrBadCharacters,
    ErrConsentRequired,
    ErrLoginTaken,
    ErrWrongCredentials,
    ErrWrongPassword,
    ErrNotAPlate,
    ErrNotACardNumber,
    ErrAlreadyBound,
    ErrBoundElsewhere,
    ErrLimitReached,
    ErrAccountFrozen,
    NavRewards,
    NavVouchers,
    NavLeaderboard,
    NavAdminRewards,
    ErrForbidden,
    ErrRateLimited,
    Cancel,
    RewardsTitle,
    RewardsLead,
    RewardsEmpty,
    SignInToRedeem,
    CatTransitPass,
    CatMerchantVoucher,
    CatDonation,
    CatCertificate,
    RewardPrice,
    RewardMerchant,
    RewardStock,
    SoldOut,
    RewardLimit,
    NoLimit,
    AvailableUntil,
    AvailableFrom,
    WhileStocksLast,
    VoucherValidity,
    PointsWord,
    Redeem,
    NotEnoughPoints,
    NotYetAvailable,
    ConfirmTitle,
    ConfirmRedeem,
    Redeeming,
    RedeemedTitle,
    RedeemedText,
    ErrInsufficientBalance,
    ErrOutOfStock,
    ErrRedeemLimit,
    ErrNotAvailable,
    ErrKeyReused,
    VoucherCode,
    CopyCode,
    Copied,
    QrCode,
    VoucherIssued,
    VoucherUsed,
    VoucherExpired,
    ValidUntil,
    UsedAt,
    IssuedAt,
    VouchersTitle,
    VouchersEmpty,
    BrowseRewards,
    LeaderboardTitle,
    LeaderboardExplain,
    JoinLeaderboard,
    PeriodLabel,
    PeriodWeek,
    PeriodMonth,
    ColRank,
    ColCo2e,
    You,
    LeaderboardEmpty,
    NotRankedYet,
    AdminRewardsTitle,
    NewReward,
    EditRewardTitle,
    ColCategory,
    ColRedeemed,
    ColActive,
    Active,
    Inactive,
    FieldRewardName,
    FieldDescription,
    FieldPartner,
    NoPartner,
    FieldPrice,
    FieldStock,
    FieldAvailableFrom,
    FieldAvailableUntil,
    FieldVoucherDays,
    FieldLimit,
    FieldActive,
    RewardCreated,
    Redemptions,
    RedemptionsEmpty,
    ColCitizen,
    UseVoucherTitle,
    FieldVoucherCode,
    MarkUsed,
    MarkedUsed,
    ErrVoucherNotFound,
    ErrVoucherUsed,
    ErrVoucherExpired,
    ErrNotANumber,
    ErrUnknownPartner,
    ErrNotPositive,
    ErrNegative,
    ErrTooLarge,
    ErrNotAfterStart,
    ErrOutOfRange,
    ErrNotADate,
    SignInRedeem,
    SeeMyVouchers,
    PrivacyTitle,
    PrivacyIntro,
    PrivacyCollect,
    PrivacyCards,
    PrivacyRights,
    PrivacyVersion,
}

impl Msg {
    /// The text in `lang`.
    #[allow(clippy::too_many_lines)] // a catalogue: one arm per message
    pub fn text(self, lang: Lang) -> &'static str {
        use Lang::{En, Zh};
        match (self, lang) {
            (Self::BrandName, Zh) => "碳普惠",
            (Self::BrandName, En) => "Tanpu",
            (Self::NavHome, Zh) => "首页",
            (Self::NavHome, En) => "Home",
            (Self::NavHowItWorks, Zh) => "如何获得积分",
            (Self::NavHowItWorks, En) => "How it works",
            (Self::NavLabel, Zh) => "主导航",
            (Self::NavLabel, En) => "Main",
            (Self::SwitchLanguage, Zh) => "切换语言",
            (Self::SwitchLanguage, En) => "Switch language",
            // The switch shows the language it switches *to*, in that language.
            (Self::LanguageName, Zh) => "中文",
            (Self::LanguageName, En) => "English",
            (Self::HeroTitle, Zh) => "绿色出行，积累你的碳积分",
            (Self::HeroTitle, En) => "Travel green, earn carbon credits",
            (Self::HeroLead, Zh) => {
                "乘公交、坐地铁、骑车、步行、夜间错峰加油、给电动车充电——每一次经过核实的绿色行动都会记入你的个人碳账户，积分可兑换公交卡充值、商户优惠券或捐给城市绿化。"
            }
            (Self::HeroLead, En) => {
                "Ride the bus or metro, cycle, walk, refuel off-peak at night, charge an EV: every verified green action is recorded in your personal carbon account, and the credits buy transit top-ups, local vouchers or donations to greening the city."
            }
            (Self::CityTotals, Zh) => "全市累计",
            (Self::CityTotals, En) => "City totals",
            (Self::StatCitizens, Zh) => "注册市民",
            (Self::StatCitizens, En) => "Registered citizens",
            (Self::StatCo2e, Zh) => "累计减排（二氧化碳当量）",
            (Self::StatCo2e, En) => "CO₂e saved",
            (Self::StatCredits, Zh) => "已发放碳积分",
            (Self::StatCredits, En) => "Credits issued",
            (Self::StatCitizensUnit, Zh) => "人",
            (Self::StatCitizensUnit, En) => "people",
            (Self::StatCreditsUnit, Zh) => "分",
            (Self::StatCreditsUnit, En) => "points",
            (Self::Loading, Zh) => "正在加载…",
            (Self::Loading, En) => "Loading…",
            (Self::ErrorNetwork, Zh) => "无法连接服务器，请检查网络后重试。",
            (Self::ErrorNetwork, En) => {
                "The server cannot be reached. Check your connection and try again."
            }
            (Self::ErrorServer, Zh) => "服务器暂时无法提供数据，请稍后重试。",
            (Self::ErrorServer, En) => {
                "The server cannot provide this right now. Please try again shortly."
            }
            (Self::Retry, Zh) => "重试",
            (Self::Retry, En) => "Try again",
            (Self::LearnHow, Zh) => "了解积分如何计算",
            (Self::LearnHow, En) => "See how credits are calculated",
            (Self::HowTitle, Zh) => "如何获得碳积分",
            (Self::HowTitle, En) => "How carbon credits are earned",
            (Self::HowLead, Zh) => {
                "碳普惠把市民的低碳行为量化为减排量，并按市生态环境部门公布的规则折算为积分。每一笔积分都能追溯到具体的行动、规则版本和计算过程。"
            }
            (Self::HowLead, En) => {
                "Carbon inclusion turns low-carbon behaviour into measured emission reductions and converts them into credits under rules published by the city's environment bureau. Every credit traces back to an action, a rule version and its calculation."
            }
            (Self::HowStepsTitle, Zh) => "四个步骤",
            (Self::HowStepsTitle, En) => "Four steps",
            (Self::HowStep1, Zh) => "注册并绑定你的公交卡、车牌或加油卡。",
            (Self::HowStep1, En) => "Register and bind your transit card, plate or fuel card.",
            (Self::HowStep2, Zh) => "公交公司、加油站、充电网络等合作方上报你的出行记录。",
            (Self::HowStep2, En) => {
                "Partners — the bus operator, fuel stations, charging networks — report your trips."
            }
            (Self::HowStep3, Zh) => "平台按规则逐条核验：时间、数量、是否合理、是否重复。",
            (Self::HowStep3, En) => {
                "Each record is verified against the rules: time, quantity, plausibility, duplicates."
            }
            (Self::HowStep4, Zh) => "通过核验的行动计入减排量并发放积分，账本不可篡改。",
            (Self::HowStep4, En) => {
                "Verified actions count towards reductions and earn credits in a tamper-evident ledger."
            }
            (Self::HowHonestyTitle, Zh) => "保守计算，宁少勿多",
            (Self::HowHonestyTitle, En) => "Conservative by design",
            (Self::HowHonesty, Zh) => {
                "所有减排量按整数克计算并向下取整；被拒绝或待审核的记录也会告诉你原因。"
            }
            (Self::HowHonesty, En) => {
                "Every reduction is counted in whole grams and rounded down; rejected or held records always tell you why."
            }
            (Self::NotFoundTitle, Zh) => "页面不存在",
            (Self::NotFoundTitle, En) => "Page not found",
            (Self::NotFoundText, Zh) => "你访问的页面不存在或已移动。",
            (Self::NotFoundText, En) => "The page you asked for does not exist or has moved.",
            (Self::BackHome, Zh) => "返回首页",
            (Self::BackHome, En) => "Back to the home page",
            (Self::PrivacyTitleMine, Zh) => "我的数据",
            (Self::PrivacyTitleMine, En) => "My data",
            (Self::ExportData, Zh) => "导出我的数据（JSON）",
            (Self::ExportData, En) => "Export my data (JSON)",
            (Self::ExportReady, Zh) => "数据已导出。",
            (Self::ExportReady, En) => "Your data was exported.",
            (Self::DeleteTitle, Zh) => "注销账户",
            (Self::DeleteTitle, En) => "Delete my account",
            (Self::DeleteWarning, Zh) => {
                "注销后，你的登录信息、昵称和绑定会被删除，无法恢复；剩余积分将作废。积分账本会以匿名方式保留，以保证全市总账可核对。"
            }
            (Self::DeleteWarning, En) => {
                "Deleting removes your login, nickname and bindings for good, and forfeits your remaining points. The ledger keeps its history anonymously so the city's totals stay verifiable."
            }
            (Self::DeleteConfirm, Zh) => "输入密码确认注销",
            (Self::DeleteConfirm, En) => "Enter your password to confirm",
            (Self::DeleteSubmit, Zh) => "永久注销",
            (Self::DeleteSubmit, En) => "Delete permanently",
            (Self::NavRules, Zh) => "积分规则",
            (Self::NavRules, En) => "Credit rules",
            (Self::RulesTitle, Zh) => "积分规则管理",
            (Self::RulesTitle, En) => "Credit rules",
            (Self::RuleKindCol, Zh) => "类型",
            (Self::RuleKindCol, En) => "Kind",
            (Self::RuleNameCol, Zh) => "名称",
            (Self::RuleNameCol, En) => "Name",
            (Self::RuleInForceCol, Zh) => "现行版本",
            (Self::RuleInForceCol, En) => "In force",
            (Self::Edit, Zh) => "编辑",
            (Self::Edit, En) => "Edit",
            (Self::NoneInForce, Zh) => "无",
            (Self::NoneInForce, En) => "none",
            (Self::DraftTitle, Zh) => "草稿",
            (Self::DraftTitle, En) => "Draft",
            (Self::NewDraft, Zh) => "从现行版本新建草稿",
            (Self::NewDraft, En) => "New draft from the version in force",
            (Self::SaveDraft, Zh) => "保存草稿",
            (Self::SaveDraft, En) => "Save the draft",
            (Self::Publish, Zh) => "立即发布",
            (Self::Publish, En) => "Publish now",
            (Self::Simulate, Zh) => "模拟最近 30 天",
            (Self::Simulate, En) => "Simulate the last 30 days",
            (Self::Published, Zh) => "已发布。",
            (Self::Published, En) => "Published.",
            (Self::ValidationOk, Zh) => "设置有效。",
            (Self::ValidationOk, En) => "The settings are valid.",
            (Self::MultiplierPercent, Zh) => "加成百分比",
            (Self::MultiplierPercent, En) => "Bonus percent",
            (Self::CapPerDay, Zh) => "本类每日上限（分）",
            (Self::CapPerDay, En) => "Daily limit for this kind (points)",
            (Self::CapPerMonth, Zh) => "本类每月上限（分）",
            (Self::CapPerMonth, En) => "Monthly limit for this kind (points)",
            (Self::BaselineMg, Zh) => "基准排放（毫克/单位）",
            (Self::BaselineMg, En) => "Baseline (mg per unit)",
            (Self::ProjectMg, Zh) => "实际排放（毫克/单位）",
            (Self::ProjectMg, En) => "Project (mg per unit)",
            (Self::CalculatorTitle, Zh) => "试算（用草稿计算）",
            (Self::CalculatorTitle, En) => "Calculator (with the draft)",
            (Self::CalcQuantity, Zh) => "数量",
            (Self::CalcQuantity, En) => "Amount",
            (Self::CalcStart, Zh) => "开始时间",
            (Self::CalcStart, En) => "Start",
            (Self::SimulationTitle, Zh) => "模拟结果",
            (Self::SimulationTitle, En) => "Simulation",
            (Self::SimActions, Zh) => "记录数",
            (Self::SimActions, En) => "Actions",
            (Self::SimChanged, Zh) => "结果变化",
            (Self::SimChanged, En) => "Changed",
            (Self::SimBefore, Zh) => "现行",
            (Self::SimBefore, En) => "Now",
            (Self::SimAfter, Zh) => "草稿",
            (Self::SimAfter, En) => "Draft",
            (Self::HistoryTitle, Zh) => "版本历史",
            (Self::HistoryTitle, En) => "Version history",
            (Self::Saved2, Zh) => "草稿已保存。",
            (Self::Saved2, En) => "Draft saved.",
            (Self::RulesInForce, Zh) => "现行积分规则",
            (Self::RulesInForce, En) => "The rules in force",
            (Self::RuleReduction, Zh) => "减排",
            (Self::RuleReduction, En) => "Reduction",
            (Self::RulePoints, Zh) => "积分",
            (Self::RulePoints, En) => "Points",
            (Self::RuleWhen, Zh) => "时段",
            (Self::RuleWhen, En) => "When",
            (Self::RuleBonus, Zh) => "加成",
            (Self::RuleBonus, En) => "Bonus",
            (Self::RuleCaps, Zh) => "上限",
            (Self::RuleCaps, En) => "Limits",
            (Self::RuleVersionNo, Zh) => "版本",
            (Self::RuleVersionNo, En) => "Version",
            (Self::NoCo2e, Zh) => "不计二氧化碳减排",
            (Self::NoCo2e, En) => "no CO₂ reduction claimed",
            (Self::PerKg, Zh) => "每千克减排",
            (Self::PerKg, En) => "per kg CO₂e",
            (Self::PerUnitWord, Zh) => "每",
            (Self::PerUnitWord, En) => "per",
            (Self::PerActionWord, Zh) => "每次",
            (Self::PerActionWord, En) => "per action",
            (Self::Anytime, Zh) => "全天",
            (Self::Anytime, En) => "any time",
            (Self::PerDay, Zh) => "每日",
            (Self::PerDay, En) => "a day",
            (Self::PerMonth, Zh) => "每月",
            (Self::PerMonth, En) => "a month",
            (Self::NavReview, Zh) => "审核",
            (Self::NavReview, En) => "Review",
            (Self::ClaimLink, Zh) => "申报未被记录的行动",
            (Self::ClaimLink, En) => "Claim an action that was not recorded",
            (Self::ClaimTitle, Zh) => "申报绿色行动",
            (Self::ClaimTitle, En) => "Claim a green action",
            (Self::ClaimHelp, Zh) => {
                "合作方没有上报的行动（例如刷卡失败）可以在这里申报。申报需人工审核，积分按规则的折扣计算。"
            }
            (Self::ClaimHelp, En) => {
                "Report an action no partner recorded (say your card was not read). Claims are reviewed and earn the rule's discounted rate."
            }
            (Self::ClaimStart, Zh) => "开始时间",
            (Self::ClaimStart, En) => "Started at",
            (Self::ClaimEnd, Zh) => "结束时间（可选）",
            (Self::ClaimEnd, En) => "Ended at (optional)",
            (Self::ClaimQuantity, Zh) => "数量",
            (Self::ClaimQuantity, En) => "Amount",
            (Self::ClaimNote, Zh) => "说明（线路、站点、发生了什么）",
            (Self::ClaimNote, En) => "What happened (route, stops…)",
            (Self::ClaimSubmit, Zh) => "提交申报",
            (Self::ClaimSubmit, En) => "Submit the claim",
            (Self::ErrNotAQuantity, Zh) => "请输入数字，最多三位小数。",
            (Self::ErrNotAQuantity, En) => "Enter a number with at most three decimals.",
            (Self::ErrEndBeforeStart, Zh) => "结束时间早于开始时间。",
            (Self::ErrEndBeforeStart, En) => "The end is before the start.",
            (Self::ReviewTitle, Zh) => "审核队列",
            (Self::ReviewTitle, En) => "Review queue",
            (Self::ReviewEmpty, Zh) => "没有待审核的行动。",
            (Self::ReviewEmpty, En) => "Nothing waits for review.",
            (Self::ReviewClaim, Zh) => "市民申报",
            (Self::ReviewClaim, En) => "Citizen's claim",
            (Self::ReviewPartner, Zh) => "合作方记录",
            (Self::ReviewPartner, En) => "Partner record",
            (Self::ReviewNoteLabel, Zh) => "审核意见",
            (Self::ReviewNoteLabel, En) => "Reviewer's note",
            (Self::Approve, Zh) => "通过",
            (Self::Approve, En) => "Approve",
            (Self::Reject, Zh) => "驳回",
            (Self::Reject, En) => "Reject",
            (Self::PointsIfApproved, Zh) => "通过后计入积分",
            (Self::PointsIfApproved, En) => "Points if approved",
            (Self::ReviewerSaid, Zh) => "审核意见：",
            (Self::ReviewerSaid, En) => "Reviewer's note: ",
            (Self::NavActions, Zh) => "我的行动",
            (Self::NavActions, En) => "My actions",
            (Self::Hello, Zh) => "你好，",
            (Self::Hello, En) => "Hello, ",
            (Self::HomeBalance, Zh) => "可用积分",
            (Self::HomeBalance, En) => "Points to spend",
            (Self::HomeCo2eMonth, Zh) => "本月减排",
            (Self::HomeCo2eMonth, En) => "CO₂e saved this month",
            (Self::HomeCo2eTotal, Zh) => "累计减排",
            (Self::HomeCo2eTotal, En) => "CO₂e saved in total",
            (Self::HomeStreak, Zh) => "连续绿色出行",
            (Self::HomeStreak, En) => "Green streak",
            (Self::DaysUnit, Zh) => "天",
            (Self::DaysUnit, En) => "days",
            (Self::TreeSource, Zh) => {
                "换算依据：欧洲环境署，一棵成熟的树每年约吸收 22 千克二氧化碳。"
            }
            (Self::TreeSource, En) => {
                "Source: European Environment Agency — a mature tree absorbs about 22 kg of CO₂ a year."
            }
            (Self::ChartTitle, Zh) => "最近 12 周的减排（克）",
            (Self::ChartTitle, En) => "CO₂e saved in the last 12 weeks (g)",
            (Self::ChartData, Zh) => "查看数据",
            (Self::ChartData, En) => "Show the numbers",
            (Self::ChartWeek, Zh) => "周起始日",
            (Self::ChartWeek, En) => "Week starting",
            (Self::ChartTotal, Zh) => "合计",
            (Self::ChartTotal, En) => "Total",
            (Self::RecentTitle, Zh) => "最近的行动",
            (Self::RecentTitle, En) => "Recent actions",
            (Self::SeeAll, Zh) => "查看全部",
            (Self::SeeAll, En) => "See all",
            (Self::NoActionsYet, Zh) => {
                "还没有记录。绑定公交卡、车牌或加油卡后，合作方上报的记录会出现在这里。"
            }
            (Self::NoActionsYet, En) => {
                "Nothing yet. Once you bind a transit card, plate or fuel card, the records partners report appear here."
            }
            (Self::BindNow, Zh) => "去绑定",
            (Self::BindNow, En) => "Bind a card",
            (Self::ActionsTitle, Zh) => "我的绿色行动",
            (Self::ActionsTitle, En) => "My green actions",
            (Self::FilterKind, Zh) => "类型",
            (Self::FilterKind, En) => "Kind",
            (Self::FilterStatus, Zh) => "状态",
            (Self::FilterStatus, En) => "Status",
            (Self::FilterMonth, Zh) => "月份",
            (Self::FilterMonth, En) => "Month",
            (Self::All, Zh) => "全部",
            (Self::All, En) => "All",
            (Self::LoadMore, Zh) => "加载更多",
            (Self::LoadMore, En) => "Load more",
            (Self::NoMatches, Zh) => "没有符合条件的记录。",
            (Self::NoMatches, En) => "No actions match.",
            (Self::StatusAccepted, Zh) => "已计入",
            (Self::StatusAccepted, En) => "Credited",
            (Self::StatusRejected, Zh) => "未计入",
            (Self::StatusRejected, En) => "Not credited",
            (Self::StatusHeld, Zh) => "待审核",
            (Self::StatusHeld, En) => "Under review",
            (Self::KindBus, Zh) => "公交出行",
            (Self::KindBus, En) => "Bus ride",
            (Self::KindMetro, Zh) => "地铁出行",
            (Self::KindMetro, En) => "Metro ride",
            (Self::KindBike, Zh) => "骑行",
            (Self::KindBike, En) => "Bike trip",
            (Self::KindWalk, Zh) => "步行",
            (Self::KindWalk, En) => "Walk",
            (Self::KindRefuel, Zh) => "夜间错峰加油",
            (Self::KindRefuel, En) => "Off-peak refuelling",
            (Self::KindEv, Zh) => "电动车充电",
            (Self::KindEv, En) => "EV charge",
            (Self::UnitKm, Zh) => "公里",
            (Self::UnitKm, En) => "km",
            (Self::UnitTrip, Zh) => "次",
            (Self::UnitTrip, En) => "trips",
            (Self::UnitL, Zh) => "升",
            (Self::UnitL, En) => "L",
            (Self::UnitKwh, Zh) => "千瓦时",
            (Self::UnitKwh, En) => "kWh",
            (Self::UnitStep, Zh) => "步",
            (Self::UnitStep, En) => "steps",
            (Self::ReasonUnbound, Zh) => {
                "这张卡或车牌还没有绑定到账户。绑定后，有效期内的记录可以补计。"
            }
            (Self::ReasonUnbound, En) => {
                "This card or plate is not bound to an account. Bind it, and records within the claim window can still be credited."
            }
            (Self::ReasonKindNotAllowed, Zh) => "这类行动目前不在积分规则范围内。",
            (Self::ReasonKindNotAllowed, En) => {
                "This kind of action earns no credits under the current rules."
            }
            (Self::ReasonQuantity, Zh) => "里程或数量超出了规则允许的范围。",
            (Self::ReasonQuantity, En) => {
                "The distance or amount is outside what the rule accepts."
            }
            (Self::ReasonSpeed, Zh) => "用时与里程不匹配（速度不合理），已转人工审核。",
            (Self::ReasonSpeed, En) => {
                "The time and distance do not fit together (implausible speed); a reviewer will look at it."
            }
            (Self::ReasonWindow, Zh) => "不在规则规定的时段内（例如加油需在 20:00—次日 06:00）。",
            (Self::ReasonWindow, En) => {
                "Outside the rule's hours (e.g. refuelling counts from 20:00 to 06:00)."
            }
            (Self::ReasonSeason, Zh) => "不在规则规定的季节内。",
            (Self::ReasonSeason, En) => "Outside the rule's season.",
            (Self::ReasonTooOld, Zh) => "记录超过了可申报的期限。",
            (Self::ReasonTooOld, En) => "The record is older than the claim window.",
            (Self::ReasonInFuture, Zh) => "记录时间晚于当前时间，请核对。",
            (Self::ReasonInFuture, En) => "The record is dated in the future; please check it.",
            (Self::ReasonOverlap, Zh) => "与你的另一条记录时间重叠，已转人工审核。",
            (Self::ReasonOverlap, En) => {
                "It overlaps another of your actions in time; a reviewer will look at it."
            }
            (Self::ReasonCap, Zh) => "已达到每日或每月积分上限。",
            (Self::ReasonCap, En) => "The daily or monthly limit of points was reached.",
            (Self::ReasonFrozen, Zh) => "账户已冻结，记录待审核。",
            (Self::ReasonFrozen, En) => "The account is frozen; the record waits for review.",
            (Self::ReasonInvalid, Zh) => "记录格式有误，无法核验。",
            (Self::ReasonInvalid, En) => "The record could not be read.",
            (Self::ReasonSelfDeclared, Zh) => "自主申报的行动需人工审核，积分按折扣计。",
            (Self::ReasonSelfDeclared, En) => {
                "Self-declared actions are reviewed and credited at a discount."
            }
            (Self::DetailTitle, Zh) => "行动详情",
            (Self::DetailTitle, En) => "Action details",
            (Self::DetailWhen, Zh) => "时间",
            (Self::DetailWhen, En) => "When",
            (Self::DetailAmount, Zh) => "数量",
            (Self::DetailAmount, En) => "Amount",
            (Self::DetailHow, Zh) => "积分是怎么算的",
            (Self::DetailHow, En) => "How the points were calculated",
            (Self::Baseline, Zh) => "基准排放（如私家车）",
            (Self::Baseline, En) => "Baseline emission (e.g. a car)",
            (Self::Project, Zh) => "实际排放",
            (Self::Project, En) => "Actual emission",
            (Self::Reduction, Zh) => "减排量",
            (Self::Reduction, En) => "Reduction",
            (Self::PointsBase, Zh) => "基础积分",
            (Self::PointsBase, En) => "Base points",
            (Self::SelfDiscount, Zh) => "自主申报折扣",
            (Self::SelfDiscount, En) => "Self-declared discount",
            (Self::CapKindDay, Zh) => "本类每日上限",
            (Self::CapKindDay, En) => "Daily limit for this kind",
            (Self::CapKindMonth, Zh) => "本类每月上限",
            (Self::CapKindMonth, En) => "Monthly limit for this kind",
            (Self::CapAllDay, Zh) => "每日总上限",
            (Self::CapAllDay, En) => "Daily limit overall",
            (Self::CapAllMonth, Zh) => "每月总上限",
            (Self::CapAllMonth, En) => "Monthly limit overall",
            (Self::PointsFinal, Zh) => "计入积分",
            (Self::PointsFinal, En) => "Points credited",
            (Self::Co2eCredited, Zh) => "计入减排",
            (Self::Co2eCredited, En) => "CO₂e credited",
            (Self::RuleVersionLabel, Zh) => "规则版本",
            (Self::RuleVersionLabel, En) => "Rule version",
            (Self::WhyNot, Zh) => "原因",
            (Self::WhyNot, En) => "Why",
            (Self::BackToActions, Zh) => "返回我的行动",
            (Self::BackToActions, En) => "Back to my actions",
            (Self::Grams, Zh) => "克",
            (Self::Grams, En) => "g",
            (Self::NicknameTitle, Zh) => "昵称",
            (Self::NicknameTitle, En) => "Nickname",
            (Self::Saved, Zh) => "已保存。",
            (Self::Saved, En) => "Saved.",
            (Self::Save, Zh) => "保存",
            (Self::Save, En) => "Save",
            (Self::NavLogin, Zh) => "登录",
            (Self::NavLogin, En) => "Sign in",
            (Self::NavRegister, Zh) => "注册",
            (Self::NavRegister, En) => "Register",
            (Self::NavProfile, Zh) => "我的账户",
            (Self::NavProfile, En) => "My account",
            (Self::NavPrivacy, Zh) => "隐私政策",
            (Self::NavPrivacy, En) => "Privacy notice",
            (Self::RegisterTitle, Zh) => "注册碳账户",
            (Self::RegisterTitle, En) => "Open your carbon account",
            (Self::FieldLogin, Zh) => "手机号或邮箱",
            (Self::FieldLogin, En) => "Mobile number or e-mail",
            (Self::FieldNickname, Zh) => "昵称",
            (Self::FieldNickname, En) => "Nickname",
            (Self::FieldPassword, Zh) => "密码",
            (Self::FieldPassword, En) => "Password",
            (Self::FieldPasswordHint, Zh) => "至少 8 位，不要使用常见密码。",
            (Self::FieldPasswordHint, En) => "At least 8 characters; not a common password.",
            (Self::ConsentLabel, Zh) => "我已阅读并同意隐私政策",
            (Self::ConsentLabel, En) => "I have read and accept the privacy notice",
            (Self::ReadPrivacy, Zh) => "阅读隐私政策",
            (Self::ReadPrivacy, En) => "Read the privacy notice",
            (Self::RegisterSubmit, Zh) => "注册",
            (Self::RegisterSubmit, En) => "Register",
            (Self::HaveAccount, Zh) => "已有账号？去登录",
            (Self::HaveAccount, En) => "Already registered? Sign in",
            (Self::LoginTitle, Zh) => "登录",
            (Self::LoginTitle, En) => "Sign in",
            (Self::LoginSubmit, Zh) => "登录",
            (Self::LoginSubmit, En) => "Sign in",
            (Self::NoAccount, Zh) => "还没有账号？去注册",
            (Self::NoAccount, En) => "No account yet? Register",
            (Self::Submitting, Zh) => "正在提交…",
            (Self::Submitting, En) => "Sending…",
            (Self::ProfileLogin, Zh) => "登录账号",
            (Self::ProfileLogin, En) => "Signed in as",
            (Self::ProfileRole, Zh) => "角色",
            (Self::ProfileRole, En) => "Role",
            (Self::RoleCitizen, Zh) => "市民",
            (Self::RoleCitizen, En) => "Citizen",
            (Self::RoleReviewer, Zh) => "审核员",
            (Self::RoleReviewer, En) => "Reviewer",
            (Self::RoleAdmin, Zh) => "管理员",
            (Self::RoleAdmin, En) => "Administrator",
            (Self::BindingsTitle, Zh) => "绑定的卡和车牌",
            (Self::BindingsTitle, En) => "Bound cards and plates",
            (Self::BindingsHelp, Zh) => {
                "绑定后，合作方上报的出行和加油记录才能计入你的账户。卡号只保存加密摘要，页面上只显示末几位。"
            }
            (Self::BindingsHelp, En) => {
                "Once bound, trips and refuelling reported by partners are credited to you. Numbers are stored only as a keyed hash; only the last digits are shown."
            }
            (Self::BindingsEmpty, Zh) => "还没有绑定任何卡或车牌。",
            (Self::BindingsEmpty, En) => "Nothing bound yet.",
            (Self::BindingType, Zh) => "类型",
            (Self::BindingType, En) => "Type",
            (Self::BindingValue, Zh) => "卡号或车牌号",
            (Self::BindingValue, En) => "Card number or plate",
            (Self::SubjectTransitCard, Zh) => "公交卡",
            (Self::SubjectTransitCard, En) => "Transit card",
            (Self::SubjectPlate, Zh) => "车牌",
            (Self::SubjectPlate, En) => "Vehicle plate",
            (Self::SubjectFuelCard, Zh) => "加油卡",
            (Self::SubjectFuelCard, En) => "Fuel card",
            (Self::BindSubmit, Zh) => "绑定",
            (Self::BindSubmit, En) => "Bind",
            (Self::Unbind, Zh) => "解除绑定",
            (Self::Unbind, En) => "Remove",
            (Self::PasswordTitle, Zh) => "修改密码",
            (Self::PasswordTitle, En) => "Change password",
            (Self::FieldCurrentPassword, Zh) => "当前密码",
            (Self::FieldCurrentPassword, En) => "Current password",
            (Self::FieldNewPassword, Zh) => "新密码",
            (Self::FieldNewPassword, En) => "New password",
            (Self::PasswordSubmit, Zh) => "修改密码",
            (Self::PasswordSubmit, En) => "Change password",
            (Self::PasswordChanged, Zh) => "密码已修改，其他设备上的登录已失效。",
            (Self::PasswordChanged, En) => "Password changed; other devices have been signed out.",
            (Self::Logout, Zh) => "退出登录",
            (Self::Logout, En) => "Sign out",
            (Self::ErrRequired, Zh) => "请填写此项。",
            (Self::ErrRequired, En) => "This field is required.",
            (Self::ErrNotALogin, Zh) => "请输入 11 位手机号或邮箱地址。",
            (Self::ErrNotALogin, En) => "Enter an 11-digit mobile number or an e-mail address.",
            (Self::ErrTooShort, Zh) => "太短了：至少 8 位。",
            (Self::ErrTooShort, En) => "Too short: at least 8 characters.",
            (Self::ErrTooLong, Zh) => "太长了。",
            (Self::ErrTooLong, En) => "Too long.",
            (Self::ErrTooCommon, Zh) => "这个密码太常见，请换一个。",
            (Self::ErrTooCommon, En) => "This password is too common; choose another.",
            (Self::ErrBadCharacters, Zh) => "包含不允许的字符。",
            (Self::ErrBadCharacters, En) => "Contains characters that are not allowed.",
            (Self::ErrConsentRequired, Zh) => "注册前请阅读并同意隐私政策。",
            (Self::ErrConsentRequired, En) => {
                "Please read and accept the privacy notice to register."
            }
            (Self::ErrLoginTaken, Zh) => "这个手机号或邮箱已经注册过了。",
            (Self::ErrLoginTaken, En) => "This mobile number or e-mail is already registered.",
            (Self::ErrWrongCredentials, Zh) => "手机号/邮箱或密码不正确。",
            (Self::ErrWrongCredentials, En) => "Wrong login or password.",
            (Self::ErrWrongPassword, Zh) => "当前密码不正确。",
            (Self::ErrWrongPassword, En) => "The current password is wrong.",
            (Self::ErrNotAPlate, Zh) => "请输入正确的车牌，例如 鲁P·12345 或新能源 鲁P·D12345。",
            (Self::ErrNotAPlate, En) => "Enter a plate such as 鲁P·12345 or new-energy 鲁P·D12345.",
            (Self::ErrNotACardNumber, Zh) => "卡号应为 8 到 24 位数字。",
            (Self::ErrNotACardNumber, En) => "A card number has 8 to 24 digits.",
            (Self::ErrAlreadyBound, Zh) => "你已经绑定过它了。",
            (Self::ErrAlreadyBound, En) => "You have already bound this.",
            (Self::ErrBoundElsewhere, Zh) => "它已被另一个账户绑定。如果是你的，请联系客服。",
            (Self::ErrBoundElsewhere, En) => {
                "It is bound to another account. If it is yours, contact the service desk."
            }
            (Self::ErrLimitReached, Zh) => "这一类已达到绑定上限，请先解除一个。",
            (Self::ErrLimitReached, En) => {
                "You have reached the limit for this kind; remove one first."
            }
            (Self::ErrAccountFrozen, Zh) => "该账户已被冻结，请联系客服。",
            (Self::ErrAccountFrozen, En) => "This account is frozen; contact the service desk.",
            (Self::NavRewards, Zh) => "积分兑换",
            (Self::NavRewards, En) => "Rewards",
            (Self::NavVouchers, Zh) => "我的券",
            (Self::NavVouchers, En) => "My vouchers",
            (Self::NavLeaderboard, Zh) => "排行榜",
            (Self::NavLeaderboard, En) => "Leaderboard",
            (Self::NavAdminRewards, Zh) => "奖品管理",
            (Self::NavAdminRewards, En) => "Reward catalogue",
            (Self::ErrForbidden, Zh) => "你没有权限查看此页面。",
            (Self::ErrForbidden, En) => "You are not allowed to see this page.",
            (Self::ErrRateLimited, Zh) => "操作太频繁，请稍后再试。",
            (Self::ErrRateLimited, En) => "Too many attempts; please wait a moment and try again.",
            (Self::Cancel, Zh) => "取消",
            (Self::Cancel, En) => "Cancel",
            (Self::RewardsTitle, Zh) => "积分兑换",
            (Self::RewardsTitle, En) => "Rewards",
            (Self::RewardsLead, Zh) => "用碳积分兑换公交乘车券、商户优惠券，或捐给城市绿化。",
            (Self::RewardsLead, En) => {
                "Spend your carbon credits on transit passes, local vouchers, or donations to greening the city."
            }
            (Self::RewardsEmpty, Zh) => "暂时没有可兑换的奖品。",
            (Self::RewardsEmpty, En) => "No rewards are available right now.",
            (Self::SignInToRedeem, Zh) => "登录后即可用积分兑换。",
            (Self::SignInToRedeem, En) => "Sign in to spend your points.",
            (Self::CatTransitPass, Zh) => "公交地铁乘车券",
            (Self::CatTransitPass, En) => "Transit passes",
            (Self::CatMerchantVoucher, Zh) => "商户优惠券",
            (Self::CatMerchantVoucher, En) => "Merchant vouchers",
            (Self::CatDonation, Zh) => "公益捐赠",
            (Self::CatDonation, En) => "Donations",
            (Self::CatCertificate, Zh) => "减排证书",
            (Self::CatCertificate, En) => "Certificates",
            (Self::RewardPrice, Zh) => "所需积分",
            (Self::RewardPrice, En) => "Price",
            (Self::RewardMerchant, Zh) => "商户",
            (Self::RewardMerchant, En) => "Merchant",
            (Self::RewardStock, Zh) => "剩余",
            (Self::RewardStock, En) => "Left",
            (Self::SoldOut, Zh) => "已兑完",
            (Self::SoldOut, En) => "Sold out",
            (Self::RewardLimit, Zh) => "每人限兑",
            (Self::RewardLimit, En) => "Limit per person",
            (Self::NoLimit, Zh) => "不限",
            (Self::NoLimit, En) => "No limit",
            (Self::AvailableUntil, Zh) => "兑换截止",
            (Self::AvailableUntil, En) => "Available until",
            (Self::AvailableFrom, Zh) => "开始兑换",
            (Self::AvailableFrom, En) => "Available from",
            (Self::WhileStocksLast, Zh) => "兑完即止",
            (Self::WhileStocksLast, En) => "While stocks last",
            (Self::VoucherValidity, Zh) => "券有效期",
            (Self::VoucherValidity, En) => "Voucher valid for",
            (Self::PointsWord, Zh) => "积分",
            (Self::PointsWord, En) => "points",
            (Self::Redeem, Zh) => "兑换",
            (Self::Redeem, En) => "Redeem",
            (Self::NotEnoughPoints, Zh) => "积分不足",
            (Self::NotEnoughPoints, En) => "Not enough points",
            (Self::NotYetAvailable, Zh) => "尚未开始兑换",
            (Self::NotYetAvailable, En) => "Not available yet",
            (Self::ConfirmTitle, Zh) => "确认兑换",
            (Self::ConfirmTitle, En) => "Confirm redemption",
            (Self::ConfirmRedeem, Zh) => "确认兑换",
            (Self::ConfirmRedeem, En) => "Confirm",
            (Self::Redeeming, Zh) => "正在兑换…",
            (Self::Redeeming, En) => "Redeeming…",
            (Self::RedeemedTitle, Zh) => "兑换成功",
            (Self::RedeemedTitle, En) => "Redeemed",
            (Self::RedeemedText, Zh) => {
                "到店出示下面的券码或二维码即可使用，也可以在“我的券”中随时查看。"
            }
            (Self::RedeemedText, En) => {
                "Show the code or the QR code below to use it; it is also kept in My vouchers."
            }
            (Self::ErrInsufficientBalance, Zh) => "积分不足，无法兑换。",
            (Self::ErrInsufficientBalance, En) => "You do not have enough points for this.",
            (Self::ErrOutOfStock, Zh) => "这个奖品已经兑完了。",
            (Self::ErrOutOfStock, En) => "This reward has just sold out.",
            (Self::ErrRedeemLimit, Zh) => "你已达到这个奖品的每人兑换上限。",
            (Self::ErrRedeemLimit, En) => "You have reached the limit per person for this reward.",
            (Self::ErrNotAvailable, Zh) => "这个奖品当前不可兑换。",
            (Self::ErrNotAvailable, En) => "This reward cannot be redeemed now.",
            (Self::ErrKeyReused, Zh) => "这次兑换请求已被使用，请取消后重新兑换。",
            (Self::ErrKeyReused, En) => "This request was already used; cancel and redeem again.",
            (Self::VoucherCode, Zh) => "券码",
            (Self::VoucherCode, En) => "Code",
            (Self::CopyCode, Zh) => "复制券码",
            (Self::CopyCode, En) => "Copy the code",
            (Self::Copied, Zh) => "已复制。",
            (Self::Copied, En) => "Copied.",
            (Self::QrCode, Zh) => "二维码",
            (Self::QrCode, En) => "QR code",
            (Self::VoucherIssued, Zh) => "可使用",
            (Self::VoucherIssued, En) => "Ready to use",
            (Self::VoucherUsed, Zh) => "已使用",
            (Self::VoucherUsed, En) => "Used",
            (Self::VoucherExpired, Zh) => "已过期",
            (Self::VoucherExpired, En) => "Expired",
            (Self::ValidUntil, Zh) => "有效期至",
            (Self::ValidUntil, En) => "Valid until",
            (Self::UsedAt, Zh) => "使用时间",
            (Self::UsedAt, En) => "Used at",
            (Self::IssuedAt, Zh) => "兑换时间",
            (Self::IssuedAt, En) => "Redeemed at",
            (Self::VouchersTitle, Zh) => "我的券",
            (Self::VouchersTitle, En) => "My vouchers",
            (Self::VouchersEmpty, Zh) => "你还没有兑换过奖品。",
            (Self::VouchersEmpty, En) => "You have not redeemed anything yet.",
            (Self::BrowseRewards, Zh) => "去兑换奖品",
            (Self::BrowseRewards, En) => "Browse the rewards",
            (Self::LeaderboardTitle, Zh) => "减排排行榜",
            (Self::LeaderboardTitle, En) => "Leaderboard",
            (Self::LeaderboardExplain, Zh) => {
                "排行榜按减排量排名，只显示昵称和减排量，不显示手机号、卡号或行程。只有你选择参加后才会上榜，可以随时退出。"
            }
            (Self::LeaderboardExplain, En) => {
                "The leaderboard ranks by CO₂e saved and shows only nicknames and amounts — never phone numbers, cards or trips. You appear only if you choose to take part, and you can leave at any time."
            }
            (Self::JoinLeaderboard, Zh) => "参加排行榜（显示我的昵称）",
            (Self::JoinLeaderboard, En) => "Take part (show my nickname)",
            (Self::PeriodLabel, Zh) => "时间范围",
            (Self::PeriodLabel, En) => "Period",
            (Self::PeriodWeek, Zh) => "近 7 天",
            (Self::PeriodWeek, En) => "Last 7 days",
            (Self::PeriodMonth, Zh) => "本月",
            (Self::PeriodMonth, En) => "This month",
            (Self::ColRank, Zh) => "名次",
            (Self::ColRank, En) => "Rank",
            (Self::ColCo2e, Zh) => "减排量",
            (Self::ColCo2e, En) => "CO₂e saved",
            (Self::You, Zh) => "（你）",
            (Self::You, En) => " (you)",
            (Self::LeaderboardEmpty, Zh) => "本期还没有人上榜。",
            (Self::LeaderboardEmpty, En) => "Nobody is ranked for this period yet.",
            (Self::NotRankedYet, Zh) => "你已参加排行榜，本期还没有减排记录。",
            (Self::NotRankedYet, En) => "You take part; you have saved nothing in this period yet.",
            (Self::AdminRewardsTitle, Zh) => "奖品管理",
            (Self::AdminRewardsTitle, En) => "Reward catalogue",
            (Self::NewReward, Zh) => "新建奖品",
            (Self::NewReward, En) => "New reward",
            (Self::EditRewardTitle, Zh) => "编辑奖品",
            (Self::EditRewardTitle, En) => "Edit reward",
            (Self::ColCategory, Zh) => "类别",
            (Self::ColCategory, En) => "Category",
            (Self::ColRedeemed, Zh) => "已兑换",
            (Self::ColRedeemed, En) => "Redeemed",
            (Self::ColActive, Zh) => "状态",
            (Self::ColActive, En) => "Status",
            (Self::Active, Zh) => "上架中",
            (Self::Active, En) => "Active",
            (Self::Inactive, Zh) => "已下架",
            (Self::Inactive, En) => "Inactive",
            (Self::FieldRewardName, Zh) => "奖品名称",
            (Self::FieldRewardName, En) => "Reward name",
            (Self::FieldDescription, Zh) => "说明",
            (Self::FieldDescription, En) => "Description",
            (Self::FieldPartner, Zh) => "合作商户（核销方）",
            (Self::FieldPartner, En) => "Merchant partner (marks vouchers used)",
            (Self::NoPartner, Zh) => "无",
            (Self::NoPartner, En) => "None",
            (Self::FieldPrice, Zh) => "所需积分",
            (Self::FieldPrice, En) => "Price (points)",
            (Self::FieldStock, Zh) => "库存",
            (Self::FieldStock, En) => "Stock",
            (Self::FieldAvailableFrom, Zh) => "开始兑换时间（可选）",
            (Self::FieldAvailableFrom, En) => "Available from (optional)",
            (Self::FieldAvailableUntil, Zh) => "截止兑换时间（可选）",
            (Self::FieldAvailableUntil, En) => "Available until (optional)",
            (Self::FieldVoucherDays, Zh) => "券有效天数",
            (Self::FieldVoucherDays, En) => "Voucher valid for (days)",
            (Self::FieldLimit, Zh) => "每人限兑（可选）",
            (Self::FieldLimit, En) => "Limit per person (optional)",
            (Self::FieldActive, Zh) => "上架（市民可见）",
            (Self::FieldActive, En) => "Active (citizens see it)",
            (Self::RewardCreated, Zh) => "奖品已创建。",
            (Self::RewardCreated, En) => "Reward created.",
            (Self::Redemptions, Zh) => "兑换记录",
            (Self::Redemptions, En) => "Redemptions",
            (Self::RedemptionsEmpty, Zh) => "还没有兑换记录。",
            (Self::RedemptionsEmpty, En) => "No redemptions yet.",
            (Self::ColCitizen, Zh) => "市民",
            (Self::ColCitizen, En) => "Citizen",
            (Self::UseVoucherTitle, Zh) => "核销券码",
            (Self::UseVoucherTitle, En) => "Mark a voucher used",
            (Self::FieldVoucherCode, Zh) => "券码",
            (Self::FieldVoucherCode, En) => "Voucher code",
            (Self::MarkUsed, Zh) => "核销",
            (Self::MarkUsed, En) => "Mark used",
            (Self::MarkedUsed, Zh) => "已核销：",
            (Self::MarkedUsed, En) => "Marked used: ",
            (Self::ErrVoucherNotFound, Zh) => "没有这个券码。",
            (Self::ErrVoucherNotFound, En) => "No voucher has this code.",
            (Self::ErrVoucherUsed, Zh) => "这张券已经使用过了。",
            (Self::ErrVoucherUsed, En) => "This voucher has already been used.",
            (Self::ErrVoucherExpired, Zh) => "这张券已过期。",
            (Self::ErrVoucherExpired, En) => "This voucher has expired.",
            (Self::ErrNotANumber, Zh) => "请输入整数。",
            (Self::ErrNotANumber, En) => "Enter a whole number.",
            (Self::ErrUnknownPartner, Zh) => "没有这个合作方。",
            (Self::ErrUnknownPartner, En) => "There is no such partner.",
            (Self::ErrNotPositive, Zh) => "必须大于 0。",
            (Self::ErrNotPositive, En) => "Must be more than 0.",
            (Self::ErrNegative, Zh) => "不能小于 0。",
            (Self::ErrNegative, En) => "Cannot be below 0.",
            (Self::ErrTooLarge, Zh) => "数值太大。",
            (Self::ErrTooLarge, En) => "Too large.",
            (Self::ErrNotAfterStart, Zh) => "截止时间必须晚于开始时间。",
            (Self::ErrNotAfterStart, En) => "Must be later than the start.",
            (Self::ErrOutOfRange, Zh) => "超出允许的范围。",
            (Self::ErrOutOfRange, En) => "Outside the allowed range.",
            (Self::ErrNotADate, Zh) => "请输入日期和时间。",
            (Self::ErrNotADate, En) => "Enter a date and time.",
            (Self::SignInRedeem, Zh) => "登录后兑换",
            (Self::SignInRedeem, En) => "Sign in to redeem",
            (Self::SeeMyVouchers, Zh) => "查看我的全部券",
            (Self::SeeMyVouchers, En) => "See all my vouchers",
            (Self::PrivacyTitle, Zh) => "隐私政策",
            (Self::PrivacyTitle, En) => "Privacy notice",
            (Self::PrivacyIntro, Zh) => {
                "碳普惠平台依据《个人信息保护法》处理你的个人信息，只收集核算碳减排所必需的信息。"
            }
            (Self::PrivacyIntro, En) => {
                "Tanpu processes your personal information under China's Personal Information Protection Law and collects only what is needed to account for your emission reductions."
            }
            (Self::PrivacyCollect, Zh) => {
                "我们收集：登录用的手机号或邮箱、昵称、你绑定的卡号和车牌、合作方上报的绿色出行记录。"
            }
            (Self::PrivacyCollect, En) => {
                "What we collect: the mobile number or e-mail you sign in with, your nickname, the cards and plates you bind, and the green-travel records partners report."
            }
            (Self::PrivacyCards, Zh) => {
                "卡号和车牌只以加密摘要保存，页面只显示末几位；密码以 argon2id 单向加密保存。"
            }
            (Self::PrivacyCards, En) => {
                "Card numbers and plates are stored only as keyed hashes and shown masked; passwords are stored one-way hashed with argon2id."
            }
            (Self::PrivacyRights, Zh) => {
                "你可以随时导出自己的数据或注销账户；注销后账本历史会匿名保留，以保证积分总账可核对。"
            }
            (Self::PrivacyRights, En) => {
                "You can export your data or delete your account at any time; after deletion the ledger history is kept anonymised so the credit totals stay verifiable."
            }
            (Self::PrivacyVersion, Zh) => "版本",
            (Self::PrivacyVersion, En) => "Version",
        }
    }
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language (reactive).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// A message in the current language (reactive).
    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// A message as reactive text, for a view or an attribute. Every message
    /// shares this one closure type, so the UI's many labels share their
    /// rendering code in the wasm bundle, where each `move || i18n.t(…)`
    /// would add its own.
    pub fn tr(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.t(msg)
    }

    /// Switches language, remembers the choice, and updates `<html lang>`.
    pub fn set(self, lang: Lang) {
        self.lang.set(lang);
        if let Some(storage) = local_storage() {
            // Private browsing may refuse storage; the switch still works.
            let _ = storage.set_item(STORAGE_KEY, lang.tag());
        }
        set_document_lang(lang);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Reads the stored language (zh-CN when none) and provides [`I18n`].
pub fn provide_i18n() {
    let stored = local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Zh);
    set_document_lang(stored);
    provide_context(I18n {
        lang: RwSignal::new(stored),
    });
}

/// The [`I18n`] provided by the app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The message for a stable reason code from the API (`details.reason`).
pub fn reason_msg(reason: &str) -> Msg {
    match reason {
        "required" => Msg::ErrRequired,
        "not_a_login" => Msg::ErrNotALogin,
        "too_short" => Msg::ErrTooShort,
        "too_long" => Msg::ErrTooLong,
        "too_common" => Msg::ErrTooCommon,
        "bad_characters" => Msg::ErrBadCharacters,
        "consent_required" => Msg::ErrConsentRequired,
        "taken" => Msg::ErrLoginTaken,
        "wrong_password" => Msg::ErrWrongPassword,
        "not_a_plate" => Msg::ErrNotAPlate,
        "not_a_card_number" => Msg::ErrNotACardNumber,
        "already_bound" => Msg::ErrAlreadyBound,
        "bound_to_another_citizen" => Msg::ErrBoundElsewhere,
        "limit_reached" => Msg::ErrLimitReached,
        "not_a_quantity" => Msg::ErrNotAQuantity,
        "before_start" => Msg::ErrEndBeforeStart,
        "not_positive" => Msg::ErrNotPositive,
        "negative" => Msg::ErrNegative,
        "too_large" => Msg::ErrTooLarge,
        "out_of_range" => Msg::ErrOutOfRange,
        "not_after_start" => Msg::ErrNotAfterStart,
        "unknown_partner" => Msg::ErrUnknownPartner,
        "already_used" => Msg::ErrVoucherUsed,
        "expired" => Msg::ErrVoucherExpired,
        _ => Msg::ErrorServer,
    }
}

/// The message for a field refused by `tanpu_core::account`.
pub fn field_error_msg(err: tanpu_core::account::FieldError) -> Msg {
    use tanpu_core::account::FieldError as E;
    match err {
        E::Empty => Msg::ErrRequired,
        E::NotALogin => Msg::ErrNotALogin,
        E::TooShort => Msg::ErrTooShort,
        E::TooLong => Msg::ErrTooLong,
        E::TooCommon => Msg::ErrTooCommon,
        E::BadCharacters => Msg::ErrBadCharacters,
    }
}

/// The message naming an action kind, for the built-in kinds.
pub fn kind_msg(kind: &str) -> Option<Msg> {
    Some(match kind {
        "bus_ride" => Msg::KindBus,
        "metro_ride" => Msg::KindMetro,
        "bike_trip" => Msg::KindBike,
        "walk" => Msg::KindWalk,
        "refuel_offpeak" => Msg::KindRefuel,
        "ev_charge" => Msg::KindEv,
        _ => return None,
    })
}

/// The message naming a unit.
pub fn unit_msg(unit: &str) -> Option<Msg> {
    Some(match unit {
        "km" => Msg::UnitKm,
        "trip" => Msg::UnitTrip,
        "L" => Msg::UnitL,
        "kWh" => Msg::UnitKwh,
        "step" => Msg::UnitStep,
        _ => return None,
    })
}

/// A decision's reason code in plain words, with what to do about it.
pub fn decision_reason_msg(code: &str) -> Msg {
    match code {
        "unbound_subject" => Msg::ReasonUnbound,
        "kind_not_allowed" => Msg::ReasonKindNotAllowed,
        "quantity_out_of_bounds" => Msg::ReasonQuantity,
        "implausible_speed" => Msg::ReasonSpeed,
        "outside_time_window" => Msg::ReasonWindow,
        "out_of_season" => Msg::ReasonSeason,
        "too_old" => Msg::ReasonTooOld,
        "in_future" => Msg::ReasonInFuture,
        "overlap" => Msg::ReasonOverlap,
        "cap_reached" => Msg::ReasonCap,
        "account_frozen" => Msg::ReasonFrozen,
        "self_declared" => Msg::ReasonSelfDeclared,
        _ => Msg::ReasonInvalid,
    }
}

/// The message for an action status.
pub fn status_msg(status: &str) -> Msg {
    match status {
        "accepted" => Msg::StatusAccepted,
        "held" => Msg::StatusHeld,
        _ => Msg::StatusRejected,
    }
}

/// The message naming a reward category.
pub fn category_msg(category: RewardCategory) -> Msg {
    match category {
        RewardCategory::TransitPass => Msg::CatTransitPass,
        RewardCategory::MerchantVoucher => Msg::CatMerchantVoucher,
        RewardCategory::Donation => Msg::CatDonation,
        RewardCategory::Certificate => Msg::CatCertificate,
    }
}

/// The message for where a voucher stands.
pub fn voucher_status_msg(status: VoucherStatus) -> Msg {
    match status {
        VoucherStatus::Issued => Msg::VoucherIssued,
        VoucherStatus::Used => Msg::VoucherUsed,
        VoucherStatus::Expired => Msg::VoucherExpired,
    }
}
