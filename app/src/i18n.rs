//! The i18n catalogue: every string the UI shows, in zh-CN (the default) and
//! English. A message is a constant with both texts, so a missing
//! translation is a compile error rather than a blank on screen.
//!
//! The chosen language persists in `localStorage` and is mirrored to
//! `<html lang>` so screen readers pronounce the page correctly.

use leptos::prelude::*;
use tanpu_core::api::{RewardCategory, VoucherStatus};

const STORAGE_KEY: &str = "tanpu.lang";

/// A language of the UI. The order is the catalogue's column order
/// ([`Msg::text`] indexes by it).
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

/// A message of the UI: its texts, `[zh-CN, English]`. The messages are
/// constants (`Msg::NavHome`), declared by `catalogue!` below.
///
/// Constants rather than an enum indexing one table: a table would tie
/// every text to every use of any message, all of them in the wasm module
/// that the shell is in. As constants, each text is data of the code that
/// shows it, and the split (`lazy_pages`) moves it with that code into the
/// group of pages that uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Msg(&'static [&'static str; 2]);

/// Declares the messages, each with its zh-CN and English text side by side
/// (a missing one does not compile).
macro_rules! catalogue {
    ($($msg:ident: $zh:literal, $en:literal;)*) => {
        // Named like the enum variants they replaced, which call sites read as.
        #[allow(non_upper_case_globals)]
        impl Msg {
            $(pub const $msg: Msg = Msg(&[$zh, $en]);)*
        }
    };
}

catalogue! {
    BrandName: "碳普惠", "Tanpu";
    NavHome: "首页", "Home";
    NavHowItWorks: "如何获得积分", "How it works";
    NavLabel: "主导航", "Main";
    SwitchLanguage: "切换语言", "Switch language";
    // The switch shows the language it switches *to*, in that language.
    LanguageName: "中文", "English";
    HeroTitle: "绿色出行，积累你的碳积分", "Travel green, earn carbon credits";
    HeroLead:
        "乘公交、坐地铁、骑车、步行、夜间错峰加油、给电动车充电——每一次经过核实的绿色行动都会记入你的个人碳账户，积分可兑换公交卡充值、商户优惠券或捐给城市绿化。",
        "Ride the bus or metro, cycle, walk, refuel off-peak at night, charge an EV: every verified green action is recorded in your personal carbon account, and the credits buy transit top-ups, local vouchers or donations to greening the city.";
    CityTotals: "全市累计", "City totals";
    StatCitizens: "注册市民", "Registered citizens";
    StatCo2e: "累计减排（二氧化碳当量）", "CO₂e saved";
    StatCredits: "已发放碳积分", "Credits issued";
    StatCitizensUnit: "人", "people";
    StatCreditsUnit: "分", "points";
    Loading: "正在加载…", "Loading…";
    ErrorNetwork:
        "无法连接服务器，请检查网络后重试。",
        "The server cannot be reached. Check your connection and try again.";
    ErrorServer:
        "服务器暂时无法提供数据，请稍后重试。",
        "The server cannot provide this right now. Please try again shortly.";
    Retry: "重试", "Try again";
    LearnHow: "了解积分如何计算", "See how credits are calculated";
    HowTitle: "如何获得碳积分", "How carbon credits are earned";
    HowLead:
        "碳普惠把市民的低碳行为量化为减排量，并按市生态环境部门公布的规则折算为积分。每一笔积分都能追溯到具体的行动、规则版本和计算过程。",
        "Carbon inclusion turns low-carbon behaviour into measured emission reductions and converts them into credits under rules published by the city's environment bureau. Every credit traces back to an action, a rule version and its calculation.";
    HowStepsTitle: "四个步骤", "Four steps";
    HowStep1: "注册并绑定你的公交卡、车牌或加油卡。", "Register and bind your transit card, plate or fuel card.";
    HowStep2:
        "公交公司、加油站、充电网络等合作方上报你的出行记录。",
        "Partners — the bus operator, fuel stations, charging networks — report your trips.";
    HowStep3:
        "平台按规则逐条核验：时间、数量、是否合理、是否重复。",
        "Each record is verified against the rules: time, quantity, plausibility, duplicates.";
    HowStep4:
        "通过核验的行动计入减排量并发放积分，账本不可篡改。",
        "Verified actions count towards reductions and earn credits in a tamper-evident ledger.";
    HowHonestyTitle: "保守计算，宁少勿多", "Conservative by design";
    HowHonesty:
        "所有减排量按整数克计算并向下取整；被拒绝或待审核的记录也会告诉你原因。",
        "Every reduction is counted in whole grams and rounded down; rejected or held records always tell you why.";
    NotFoundTitle: "页面不存在", "Page not found";
    NotFoundText: "你访问的页面不存在或已移动。", "The page you asked for does not exist or has moved.";
    BackHome: "返回首页", "Back to the home page";
    PrivacyTitleMine: "我的数据", "My data";
    ExportData: "导出我的数据（JSON）", "Export my data (JSON)";
    ExportReady: "数据已导出。", "Your data was exported.";
    DeleteTitle: "注销账户", "Delete my account";
    DeleteWarning:
        "注销后，你的登录信息、昵称和绑定会被删除，无法恢复；剩余积分将作废。积分账本会以匿名方式保留，以保证全市总账可核对。",
        "Deleting removes your login, nickname and bindings for good, and forfeits your remaining points. The ledger keeps its history anonymously so the city's totals stay verifiable.";
    DeleteConfirm: "输入密码确认注销", "Enter your password to confirm";
    DeleteSubmit: "永久注销", "Delete permanently";
    NavRules: "积分规则", "Credit rules";
    RulesTitle: "积分规则管理", "Credit rules";
    RuleKindCol: "类型", "Kind";
    RuleNameCol: "名称", "Name";
    RuleInForceCol: "现行版本", "In force";
    Edit: "编辑", "Edit";
    NoneInForce: "无", "none";
    DraftTitle: "草稿", "Draft";
    NewDraft: "从现行版本新建草稿", "New draft from the version in force";
    SaveDraft: "保存草稿", "Save the draft";
    Publish: "立即发布", "Publish now";
    Simulate: "模拟最近 30 天", "Simulate the last 30 days";
    Published: "已发布。", "Published.";
    ValidationOk: "设置有效。", "The settings are valid.";
    MultiplierPercent: "加成百分比", "Bonus percent";
    CapPerDay: "本类每日上限（分）", "Daily limit for this kind (points)";
    CapPerMonth: "本类每月上限（分）", "Monthly limit for this kind (points)";
    BaselineMg: "基准排放（毫克/单位）", "Baseline (mg per unit)";
    ProjectMg: "实际排放（毫克/单位）", "Project (mg per unit)";
    CalculatorTitle: "试算（用草稿计算）", "Calculator (with the draft)";
    CalcQuantity: "数量", "Amount";
    CalcStart: "开始时间", "Start";
    SimulationTitle: "模拟结果", "Simulation";
    SimActions: "记录数", "Actions";
    SimChanged: "结果变化", "Changed";
    SimBefore: "现行", "Now";
    SimAfter: "草稿", "Draft";
    HistoryTitle: "版本历史", "Version history";
    Saved2: "草稿已保存。", "Draft saved.";
    RulesInForce: "现行积分规则", "The rules in force";
    RuleReduction: "减排", "Reduction";
    RulePoints: "积分", "Points";
    RuleWhen: "时段", "When";
    RuleBonus: "加成", "Bonus";
    RuleCaps: "上限", "Limits";
    RuleVersionNo: "版本", "Version";
    NoCo2e: "不计二氧化碳减排", "no CO₂ reduction claimed";
    PerKg: "每千克减排", "per kg CO₂e";
    PerUnitWord: "每", "per";
    PerActionWord: "每次", "per action";
    Anytime: "全天", "any time";
    PerDay: "每日", "a day";
    PerMonth: "每月", "a month";
    NavReview: "审核", "Review";
    ClaimLink: "申报未被记录的行动", "Claim an action that was not recorded";
    ClaimTitle: "申报绿色行动", "Claim a green action";
    ClaimHelp:
        "合作方没有上报的行动（例如刷卡失败）可以在这里申报。申报需人工审核，积分按规则的折扣计算。",
        "Report an action no partner recorded (say your card was not read). Claims are reviewed and earn the rule's discounted rate.";
    ClaimStart: "开始时间", "Started at";
    ClaimEnd: "结束时间（可选）", "Ended at (optional)";
    ClaimQuantity: "数量", "Amount";
    ClaimNote: "说明（线路、站点、发生了什么）", "What happened (route, stops…)";
    ClaimSubmit: "提交申报", "Submit the claim";
    ErrNotAQuantity: "请输入数字，最多三位小数。", "Enter a number with at most three decimals.";
    ErrEndBeforeStart: "结束时间早于开始时间。", "The end is before the start.";
    ReviewTitle: "审核队列", "Review queue";
    ReviewEmpty: "没有待审核的行动。", "Nothing waits for review.";
    ReviewClaim: "市民申报", "Citizen's claim";
    ReviewPartner: "合作方记录", "Partner record";
    ReviewNoteLabel: "审核意见", "Reviewer's note";
    Approve: "通过", "Approve";
    Reject: "驳回", "Reject";
    PointsIfApproved: "通过后计入积分", "Points if approved";
    ReviewerSaid: "审核意见：", "Reviewer's note: ";
    NavActions: "我的行动", "My actions";
    Hello: "你好，", "Hello, ";
    HomeBalance: "可用积分", "Points to spend";
    HomeCo2eMonth: "本月减排", "CO₂e saved this month";
    HomeCo2eTotal: "累计减排", "CO₂e saved in total";
    HomeStreak: "连续绿色出行", "Green streak";
    DaysUnit: "天", "days";
    TreeSource:
        "换算依据：欧洲环境署，一棵成熟的树每年约吸收 22 千克二氧化碳。",
        "Source: European Environment Agency — a mature tree absorbs about 22 kg of CO₂ a year.";
    ChartTitle: "最近 12 周的减排（克）", "CO₂e saved in the last 12 weeks (g)";
    ChartData: "查看数据", "Show the numbers";
    ChartWeek: "周起始日", "Week starting";
    ChartTotal: "合计", "Total";
    RecentTitle: "最近的行动", "Recent actions";
    SeeAll: "查看全部", "See all";
    NoActionsYet:
        "还没有记录。绑定公交卡、车牌或加油卡后，合作方上报的记录会出现在这里。",
        "Nothing yet. Once you bind a transit card, plate or fuel card, the records partners report appear here.";
    BindNow: "去绑定", "Bind a card";
    ActionsTitle: "我的绿色行动", "My green actions";
    FilterKind: "类型", "Kind";
    FilterStatus: "状态", "Status";
    FilterMonth: "月份", "Month";
    All: "全部", "All";
    LoadMore: "加载更多", "Load more";
    NoMatches: "没有符合条件的记录。", "No actions match.";
    StatusAccepted: "已计入", "Credited";
    StatusRejected: "未计入", "Not credited";
    StatusHeld: "待审核", "Under review";
    KindBus: "公交出行", "Bus ride";
    KindMetro: "地铁出行", "Metro ride";
    KindBike: "骑行", "Bike trip";
    KindWalk: "步行", "Walk";
    KindRefuel: "夜间错峰加油", "Off-peak refuelling";
    KindEv: "电动车充电", "EV charge";
    UnitKm: "公里", "km";
    UnitTrip: "次", "trips";
    UnitL: "升", "L";
    UnitKwh: "千瓦时", "kWh";
    UnitStep: "步", "steps";
    ReasonUnbound:
        "这张卡或车牌还没有绑定到账户。绑定后，有效期内的记录可以补计。",
        "This card or plate is not bound to an account. Bind it, and records within the claim window can still be credited.";
    ReasonKindNotAllowed:
        "这类行动目前不在积分规则范围内。",
        "This kind of action earns no credits under the current rules.";
    ReasonQuantity: "里程或数量超出了规则允许的范围。", "The distance or amount is outside what the rule accepts.";
    ReasonSpeed:
        "用时与里程不匹配（速度不合理），已转人工审核。",
        "The time and distance do not fit together (implausible speed); a reviewer will look at it.";
    ReasonWindow:
        "不在规则规定的时段内（例如加油需在 20:00—次日 06:00）。",
        "Outside the rule's hours (e.g. refuelling counts from 20:00 to 06:00).";
    ReasonSeason: "不在规则规定的季节内。", "Outside the rule's season.";
    ReasonTooOld: "记录超过了可申报的期限。", "The record is older than the claim window.";
    ReasonInFuture: "记录时间晚于当前时间，请核对。", "The record is dated in the future; please check it.";
    ReasonOverlap:
        "与你的另一条记录时间重叠，已转人工审核。",
        "It overlaps another of your actions in time; a reviewer will look at it.";
    ReasonCap: "已达到每日或每月积分上限。", "The daily or monthly limit of points was reached.";
    ReasonFrozen: "账户已冻结，记录待审核。", "The account is frozen; the record waits for review.";
    ReasonInvalid: "记录格式有误，无法核验。", "The record could not be read.";
    ReasonSelfDeclared:
        "自主申报的行动需人工审核，积分按折扣计。",
        "Self-declared actions are reviewed and credited at a discount.";
    DetailTitle: "行动详情", "Action details";
    DetailWhen: "时间", "When";
    DetailAmount: "数量", "Amount";
    DetailHow: "积分是怎么算的", "How the points were calculated";
    Baseline: "基准排放（如私家车）", "Baseline emission (e.g. a car)";
    Project: "实际排放", "Actual emission";
    Reduction: "减排量", "Reduction";
    PointsBase: "基础积分", "Base points";
    SelfDiscount: "自主申报折扣", "Self-declared discount";
    CapKindDay: "本类每日上限", "Daily limit for this kind";
    CapKindMonth: "本类每月上限", "Monthly limit for this kind";
    CapAllDay: "每日总上限", "Daily limit overall";
    CapAllMonth: "每月总上限", "Monthly limit overall";
    PointsFinal: "计入积分", "Points credited";
    Co2eCredited: "计入减排", "CO₂e credited";
    RuleVersionLabel: "规则版本", "Rule version";
    WhyNot: "原因", "Why";
    BackToActions: "返回我的行动", "Back to my actions";
    Grams: "克", "g";
    NicknameTitle: "昵称", "Nickname";
    Saved: "已保存。", "Saved.";
    Save: "保存", "Save";
    NavLogin: "登录", "Sign in";
    NavRegister: "注册", "Register";
    NavProfile: "我的账户", "My account";
    NavPrivacy: "隐私政策", "Privacy notice";
    RegisterTitle: "注册碳账户", "Open your carbon account";
    FieldLogin: "手机号或邮箱", "Mobile number or e-mail";
    FieldNickname: "昵称", "Nickname";
    FieldPassword: "密码", "Password";
    FieldPasswordHint: "至少 8 位，不要使用常见密码。", "At least 8 characters; not a common password.";
    ConsentLabel: "我已阅读并同意隐私政策", "I have read and accept the privacy notice";
    ReadPrivacy: "阅读隐私政策", "Read the privacy notice";
    RegisterSubmit: "注册", "Register";
    HaveAccount: "已有账号？去登录", "Already registered? Sign in";
    LoginTitle: "登录", "Sign in";
    LoginSubmit: "登录", "Sign in";
    NoAccount: "还没有账号？去注册", "No account yet? Register";
    Submitting: "正在提交…", "Sending…";
    ProfileLogin: "登录账号", "Signed in as";
    ProfileRole: "角色", "Role";
    RoleCitizen: "市民", "Citizen";
    RoleReviewer: "审核员", "Reviewer";
    RoleAdmin: "管理员", "Administrator";
    BindingsTitle: "绑定的卡和车牌", "Bound cards and plates";
    BindingsHelp:
        "绑定后，合作方上报的出行和加油记录才能计入你的账户。卡号只保存加密摘要，页面上只显示末几位。",
        "Once bound, trips and refuelling reported by partners are credited to you. Numbers are stored only as a keyed hash; only the last digits are shown.";
    BindingsEmpty: "还没有绑定任何卡或车牌。", "Nothing bound yet.";
    BindingType: "类型", "Type";
    BindingValue: "卡号或车牌号", "Card number or plate";
    SubjectTransitCard: "公交卡", "Transit card";
    SubjectPlate: "车牌", "Vehicle plate";
    SubjectFuelCard: "加油卡", "Fuel card";
    BindSubmit: "绑定", "Bind";
    Unbind: "解除绑定", "Remove";
    PasswordTitle: "修改密码", "Change password";
    FieldCurrentPassword: "当前密码", "Current password";
    FieldNewPassword: "新密码", "New password";
    PasswordSubmit: "修改密码", "Change password";
    PasswordChanged: "密码已修改，其他设备上的登录已失效。", "Password changed; other devices have been signed out.";
    Logout: "退出登录", "Sign out";
    ErrRequired: "请填写此项。", "This field is required.";
    ErrNotALogin: "请输入 11 位手机号或邮箱地址。", "Enter an 11-digit mobile number or an e-mail address.";
    ErrTooShort: "太短了：至少 8 位。", "Too short: at least 8 characters.";
    ErrTooLong: "太长了。", "Too long.";
    ErrTooCommon: "这个密码太常见，请换一个。", "This password is too common; choose another.";
    ErrBadCharacters: "包含不允许的字符。", "Contains characters that are not allowed.";
    ErrConsentRequired: "注册前请阅读并同意隐私政策。", "Please read and accept the privacy notice to register.";
    ErrLoginTaken: "这个手机号或邮箱已经注册过了。", "This mobile number or e-mail is already registered.";
    ErrWrongCredentials: "手机号/邮箱或密码不正确。", "Wrong login or password.";
    ErrWrongPassword: "当前密码不正确。", "The current password is wrong.";
    ErrNotAPlate:
        "请输入正确的车牌，例如 鲁P·12345 或新能源 鲁P·D12345。",
        "Enter a plate such as 鲁P·12345 or new-energy 鲁P·D12345.";
    ErrNotACardNumber: "卡号应为 8 到 24 位数字。", "A card number has 8 to 24 digits.";
    ErrAlreadyBound: "你已经绑定过它了。", "You have already bound this.";
    ErrBoundElsewhere:
        "它已被另一个账户绑定。如果是你的，请联系客服。",
        "It is bound to another account. If it is yours, contact the service desk.";
    ErrLimitReached:
        "这一类已达到绑定上限，请先解除一个。",
        "You have reached the limit for this kind; remove one first.";
    ErrAccountFrozen: "该账户已被冻结，请联系客服。", "This account is frozen; contact the service desk.";
    NavRewards: "积分兑换", "Rewards";
    NavVouchers: "我的券", "My vouchers";
    NavLeaderboard: "排行榜", "Leaderboard";
    NavAdminRewards: "奖品管理", "Reward catalogue";
    ErrForbidden: "你没有权限查看此页面。", "You are not allowed to see this page.";
    ErrRateLimited: "操作太频繁，请稍后再试。", "Too many attempts; please wait a moment and try again.";
    Cancel: "取消", "Cancel";
    RewardsTitle: "积分兑换", "Rewards";
    RewardsLead:
        "用碳积分兑换公交乘车券、商户优惠券，或捐给城市绿化。",
        "Spend your carbon credits on transit passes, local vouchers, or donations to greening the city.";
    RewardsEmpty: "暂时没有可兑换的奖品。", "No rewards are available right now.";
    SignInToRedeem: "登录后即可用积分兑换。", "Sign in to spend your points.";
    CatTransitPass: "公交地铁乘车券", "Transit passes";
    CatMerchantVoucher: "商户优惠券", "Merchant vouchers";
    CatDonation: "公益捐赠", "Donations";
    CatCertificate: "减排证书", "Certificates";
    RewardPrice: "所需积分", "Price";
    RewardMerchant: "商户", "Merchant";
    RewardStock: "剩余", "Left";
    SoldOut: "已兑完", "Sold out";
    RewardLimit: "每人限兑", "Limit per person";
    NoLimit: "不限", "No limit";
    AvailableUntil: "兑换截止", "Available until";
    AvailableFrom: "开始兑换", "Available from";
    WhileStocksLast: "兑完即止", "While stocks last";
    VoucherValidity: "券有效期", "Voucher valid for";
    PointsWord: "积分", "points";
    Redeem: "兑换", "Redeem";
    NotEnoughPoints: "积分不足", "Not enough points";
    NotYetAvailable: "尚未开始兑换", "Not available yet";
    ConfirmTitle: "确认兑换", "Confirm redemption";
    ConfirmRedeem: "确认兑换", "Confirm";
    Redeeming: "正在兑换…", "Redeeming…";
    RedeemedTitle: "兑换成功", "Redeemed";
    RedeemedText:
        "到店出示下面的券码或二维码即可使用，也可以在“我的券”中随时查看。",
        "Show the code or the QR code below to use it; it is also kept in My vouchers.";
    ErrInsufficientBalance: "积分不足，无法兑换。", "You do not have enough points for this.";
    ErrOutOfStock: "这个奖品已经兑完了。", "This reward has just sold out.";
    ErrRedeemLimit: "你已达到这个奖品的每人兑换上限。", "You have reached the limit per person for this reward.";
    ErrNotAvailable: "这个奖品当前不可兑换。", "This reward cannot be redeemed now.";
    ErrKeyReused: "这次兑换请求已被使用，请取消后重新兑换。", "This request was already used; cancel and redeem again.";
    VoucherCode: "券码", "Code";
    CopyCode: "复制券码", "Copy the code";
    Copied: "已复制。", "Copied.";
    QrCode: "二维码", "QR code";
    VoucherIssued: "可使用", "Ready to use";
    VoucherUsed: "已使用", "Used";
    VoucherExpired: "已过期", "Expired";
    ValidUntil: "有效期至", "Valid until";
    UsedAt: "使用时间", "Used at";
    IssuedAt: "兑换时间", "Redeemed at";
    VouchersTitle: "我的券", "My vouchers";
    VouchersEmpty: "你还没有兑换过奖品。", "You have not redeemed anything yet.";
    BrowseRewards: "去兑换奖品", "Browse the rewards";
    LeaderboardTitle: "减排排行榜", "Leaderboard";
    LeaderboardExplain:
        "排行榜按减排量排名，只显示昵称和减排量，不显示手机号、卡号或行程。只有你选择参加后才会上榜，可以随时退出。",
        "The leaderboard ranks by CO₂e saved and shows only nicknames and amounts — never phone numbers, cards or trips. You appear only if you choose to take part, and you can leave at any time.";
    JoinLeaderboard: "参加排行榜（显示我的昵称）", "Take part (show my nickname)";
    PeriodLabel: "时间范围", "Period";
    PeriodWeek: "近 7 天", "Last 7 days";
    PeriodMonth: "本月", "This month";
    ColRank: "名次", "Rank";
    ColCo2e: "减排量", "CO₂e saved";
    You: "（你）", " (you)";
    LeaderboardEmpty: "本期还没有人上榜。", "Nobody is ranked for this period yet.";
    NotRankedYet: "你已参加排行榜，本期还没有减排记录。", "You take part; you have saved nothing in this period yet.";
    AdminRewardsTitle: "奖品管理", "Reward catalogue";
    NewReward: "新建奖品", "New reward";
    EditRewardTitle: "编辑奖品", "Edit reward";
    ColCategory: "类别", "Category";
    ColRedeemed: "已兑换", "Redeemed";
    ColActive: "状态", "Status";
    Active: "上架中", "Active";
    Inactive: "已下架", "Inactive";
    FieldRewardName: "奖品名称", "Reward name";
    FieldDescription: "说明", "Description";
    FieldPartner: "合作商户（核销方）", "Merchant partner (marks vouchers used)";
    NoPartner: "无", "None";
    FieldPrice: "所需积分", "Price (points)";
    FieldStock: "库存", "Stock";
    FieldAvailableFrom: "开始兑换时间（可选）", "Available from (optional)";
    FieldAvailableUntil: "截止兑换时间（可选）", "Available until (optional)";
    FieldVoucherDays: "券有效天数", "Voucher valid for (days)";
    FieldLimit: "每人限兑（可选）", "Limit per person (optional)";
    FieldActive: "上架（市民可见）", "Active (citizens see it)";
    RewardCreated: "奖品已创建。", "Reward created.";
    Redemptions: "兑换记录", "Redemptions";
    RedemptionsEmpty: "还没有兑换记录。", "No redemptions yet.";
    ColCitizen: "市民", "Citizen";
    UseVoucherTitle: "核销券码", "Mark a voucher used";
    FieldVoucherCode: "券码", "Voucher code";
    MarkUsed: "核销", "Mark used";
    MarkedUsed: "已核销：", "Marked used: ";
    ErrVoucherNotFound: "没有这个券码。", "No voucher has this code.";
    ErrVoucherUsed: "这张券已经使用过了。", "This voucher has already been used.";
    ErrVoucherExpired: "这张券已过期。", "This voucher has expired.";
    ErrNotANumber: "请输入整数。", "Enter a whole number.";
    ErrUnknownPartner: "没有这个合作方。", "There is no such partner.";
    ErrNotPositive: "必须大于 0。", "Must be more than 0.";
    ErrNegative: "不能小于 0。", "Cannot be below 0.";
    ErrTooLarge: "数值太大。", "Too large.";
    ErrNotAfterStart: "截止时间必须晚于开始时间。", "Must be later than the start.";
    ErrOutOfRange: "超出允许的范围。", "Outside the allowed range.";
    ErrNotADate: "请输入日期和时间。", "Enter a date and time.";
    SignInRedeem: "登录后兑换", "Sign in to redeem";
    SeeMyVouchers: "查看我的全部券", "See all my vouchers";
    PrivacyTitle: "隐私政策", "Privacy notice";
    PrivacyIntro:
        "碳普惠平台依据《个人信息保护法》处理你的个人信息，只收集核算碳减排所必需的信息。",
        "Tanpu processes your personal information under China's Personal Information Protection Law and collects only what is needed to account for your emission reductions.";
    PrivacyCollect:
        "我们收集：登录用的手机号或邮箱、昵称、你绑定的卡号和车牌、合作方上报的绿色出行记录。",
        "What we collect: the mobile number or e-mail you sign in with, your nickname, the cards and plates you bind, and the green-travel records partners report.";
    PrivacyCards:
        "卡号和车牌只以加密摘要保存，页面只显示末几位；密码以 argon2id 单向加密保存。",
        "Card numbers and plates are stored only as keyed hashes and shown masked; passwords are stored one-way hashed with argon2id.";
    PrivacyRights:
        "你可以随时导出自己的数据或注销账户；注销后账本历史会匿名保留，以保证积分总账可核对。",
        "You can export your data or delete your account at any time; after deletion the ledger history is kept anonymised so the credit totals stay verifiable.";
    PrivacyBrowser:
        "浏览器中只保存：两个登录 Cookie（一个存放登录凭据，网页脚本无法读取；另一个只表示你已登录）、你选择的语言，以及打开页面时临时记下的页面地址。没有跟踪或广告 Cookie。",
        "In your browser we keep only two sign-in cookies (one holds your session token, which page scripts cannot read; the other says only that you are signed in), the language you chose, and, briefly, the address of a page being opened. No tracking or advertising cookies.";
    PrivacyVersion: "版本", "Version";

    // The administrators' console (dashboard, citizens, partners and
    // imports, reports, audit log).
    NavAdmin: "管理后台", "Admin";
    AdminNavLabel: "管理后台", "Administration";
    AdminNavDashboard: "概览", "Dashboard";
    AdminNavCitizens: "市民", "Citizens";
    AdminNavPartners: "合作方与导入", "Partners & imports";
    AdminNavReports: "报表", "Reports";
    AdminNavAudit: "审计日志", "Audit log";
    DashTitle: "全市概览", "City dashboard";
    DashPeriod: "统计区间", "Period";
    DashToday: "今天", "Today";
    DashWeek: "本周", "This week";
    DashMonth: "本月", "This month";
    DashYear: "本年", "This year";
    DashPeriodShown: "统计日期：", "Dates:";
    DashTotals: "合计", "Totals";
    DashCo2e: "减排量（二氧化碳当量）", "CO₂e saved";
    DashPointsIssued: "发放积分", "Points issued";
    DashPointsRedeemed: "兑换消耗积分", "Points redeemed";
    DashVouchers: "发出的券", "Vouchers issued";
    DashActiveCitizens: "获得积分的市民", "Citizens credited";
    DashByKind: "按行动类型", "By kind of action";
    DashByPartner: "按合作方", "By partner";
    DashByDistrict: "按区县", "By district";
    DashCitizenClaims: "市民申报", "Citizens' claims";
    DashNoDistrict: "未注明", "Not stated";
    DashNothingYet: "暂无记录。", "Nothing recorded yet.";
    DashChartTitle: "最近 30 天的减排（克）", "CO₂e saved over the last 30 days (grams)";
    DashDay: "日期", "Day";
    LedgerTitle: "账本完整性", "Ledger integrity";
    LedgerExplain:
        "核验会重新计算每条分录的哈希链、每个账户的余额和全部转账的平衡，证明账本未被篡改。",
        "Verification recomputes every entry's hash chain, every account's balance and the balance of every transfer, proving that nothing was edited.";
    LedgerNeverChecked: "账本尚未核验过。", "The ledger has not been verified yet.";
    LedgerLastChecked: "上次核验", "Last verified";
    LedgerResult: "结果", "Result";
    LedgerIntact: "账本完整", "The ledger is intact";
    LedgerBroken: "账本发现问题", "The ledger has problems";
    LedgerEntries: "核对分录", "Entries checked";
    LedgerAccounts: "核对账户", "Accounts checked";
    LedgerTransfers: "核对转账", "Transfers checked";
    LedgerSum: "全部余额之和", "Sum of all balances";
    LedgerProblems: "问题数", "Problems";
    LedgerVerifyNow: "立即核验", "Verify now";
    LedgerVerifying: "正在核验…", "Verifying…";
    CitizensTitle: "市民", "Citizens";
    CitizenSearchLabel: "查找市民", "Find a citizen";
    CitizenSearchHint: "手机号、邮箱、昵称或卡号", "Phone, e-mail, nickname or card number";
    CitizenSearchSubmit: "查找", "Search";
    CitizenResults: "查找结果", "Results";
    CitizenActive: "正常", "Active";
    CitizenFrozen: "已冻结", "Frozen";
    CitizenBack: "返回市民查找", "Back to the search";
    CitizenRegistered: "注册时间", "Registered";
    CitizenFreezeTitle: "冻结账户", "Freeze the account";
    CitizenFreezeExplain:
        "冻结后，该市民无法登录，合作方上报的记录会转为待审核，不发放积分。",
        "A frozen citizen cannot sign in, and partners' records for them are held for review instead of credited.";
    CitizenUnfreezeTitle: "解除冻结", "Unfreeze the account";
    CitizenUnfreezeExplain:
        "解除后，该市民可以重新登录并获得积分。",
        "Once unfrozen, the citizen can sign in and earn credits again.";
    CitizenFreezeReason: "原因（必填，记入审计日志）", "Reason (required, kept in the audit log)";
    CitizenFreeze: "冻结账户", "Freeze";
    CitizenUnfreeze: "解除冻结", "Unfreeze";
    CitizenFrozenNow: "账户已冻结。", "The account is frozen.";
    CitizenUnfrozenNow: "账户已解除冻结。", "The account is unfrozen.";
    CitizenNoBindings: "没有绑定的卡或车牌。", "No cards or plates are bound.";
    CitizenErrOwnAccount: "不能冻结自己的账户。", "You cannot freeze your own account.";
    CitizenErrDeleted: "该账户已注销。", "This account was deleted.";
    CitizenErrStale:
        "账户状态已经变化，请刷新页面后再试。",
        "The account changed meanwhile; reload the page and try again.";
    CitizenVouchers: "兑换的券", "Vouchers";
    CitizenNoVouchers: "没有兑换过奖品。", "No rewards redeemed.";
    CitizenNoActions: "还没有行动记录。", "No actions yet.";
    CitizenRemoveBinding: "移除绑定", "Remove binding";
    CitizenRemoveReason: "移除原因（必填）", "Why remove it (required)";
    CitizenRemoveConfirm: "确认移除", "Remove";
    CitizenBindingRemoved: "绑定已移除。", "The binding was removed.";
    AdjustTitle: "手动调整积分", "Manual adjustment";
    AdjustExplain:
        "用于更正错误或补发积分。原因会显示在市民的积分明细中，并记入审计日志。",
        "For corrections and make-good credits. The reason appears on the citizen's statement and in the audit log.";
    AdjustAmount: "积分", "Points";
    AdjustAmountHint: "正数为增加，负数为扣减", "Positive adds, negative takes away";
    AdjustReason: "原因", "Reason";
    AdjustReasonHint: "必填，市民可见", "Required; the citizen sees it";
    AdjustSubmit: "调整…", "Adjust…";
    AdjustConfirmTitle: "确认调整", "Confirm the adjustment";
    AdjustConfirm: "确认调整", "Confirm";
    AdjustErrZero: "请输入不为 0 的整数。", "Enter a whole number other than 0.";
    AdjustErrBalance: "扣减后余额会小于 0。", "That would take the balance below 0.";
    StatementTitle: "积分明细", "Statement";
    StatementMemo: "说明", "Memo";
    StatementChange: "变动", "Change";
    StatementBalance: "余额", "Balance";
    StatementGreenAction: "绿色行动", "Green action";
    StatementRedemption: "兑换", "Redemption";
    StatementReversal: "冲正", "Reversal";
    StatementAdjustment: "人工调整", "Adjustment";
    PartnersTitle: "合作方与导入", "Partners & imports";
    PartnersListTitle: "合作方", "Partners";
    PartnersNone: "还没有合作方。", "No partners yet.";
    PartnerId: "合作方编号（tanpu-partner）", "Partner id (tanpu-partner)";
    PartnerName: "合作方名称", "Partner name";
    PartnerKinds: "可上报的行动类型", "Kinds it may report";
    PartnerSecrets: "有效密钥", "Active secrets";
    PartnerCreated: "创建时间", "Created";
    PartnerActions: "操作", "Actions";
    PartnerIsActive: "启用", "Active";
    PartnerIsDisabled: "已停用", "Disabled";
    PartnerImport: "导入文件", "Import a file";
    PartnerRotate: "更换密钥", "Rotate secret";
    PartnerRetire: "停用旧密钥", "Retire old secrets";
    PartnerDisable: "停用", "Disable";
    PartnerRotateExplain:
        "将生成一个新密钥并只显示一次。旧密钥在你停用它之前继续有效，方便合作方切换。",
        "A new secret is made and shown once. The old one keeps working until you retire it, so the partner can switch over.";
    PartnerRetireExplain:
        "除最新的密钥外，其余密钥都将失效。请先确认合作方已改用新密钥。",
        "Every secret but the newest stops working. Make sure the partner has switched to the new one first.";
    PartnerDisableExplain:
        "停用后，该合作方发送的所有记录都会被拒绝。",
        "Once disabled, every record this partner sends is refused.";
    PartnerConfirm: "确认", "Confirm";
    PartnerRotated: "已生成新密钥。", "A new secret was made.";
    PartnerRetired: "旧密钥已停用。", "The old secrets were retired.";
    PartnerDisabled: "合作方已停用。", "The partner was disabled.";
    PartnerSecretTitle: "签名密钥", "Signing secret";
    PartnerSecretWarning:
        "密钥只显示这一次：请立即复制并安全地交给合作方。碳普惠不保存副本，关闭后无法再次查看。",
        "This secret is shown only once: copy it now and hand it to the partner safely. Tanpu keeps no copy; once closed it cannot be shown again.";
    PartnerSecretLabel: "密钥", "Secret";
    PartnerCopySecret: "复制密钥", "Copy the secret";
    PartnerSecretSaved: "我已保存，关闭", "I have saved it — close";
    PartnerNewTitle: "新建合作方", "New partner";
    PartnerOtherKinds: "其他行动类型（可选）", "Other kinds (optional)";
    PartnerOtherKindsHint:
        "小写英文和下划线，多个用逗号分隔，如 ferry_ride",
        "Lower-case letters and underscores, separated by commas, e.g. ferry_ride";
    PartnerCreate: "创建合作方", "Create partner";
    PartnerErrTaken: "已有同名的合作方。", "A partner with this name exists.";
    PartnerErrNotAKind:
        "类型只能包含小写英文、数字和下划线。",
        "Kinds are lower-case letters, digits and underscores.";
    PartnerErrNoKinds: "请至少选择一种行动类型。", "Choose at least one kind.";
    ImportFormTitle: "导入记录", "Import records";
    ImportHelp:
        "上传合作方的记录文件（最大 100 MB）。CSV 的第一行是列名，至少包含下面这些列，其他列（如 route、district）作为附加信息；JSON Lines 每行一条记录。已计入的记录再次导入会算作重复，不会重复发放积分。",
        "Upload a partner's records (up to 100 MB). A CSV file starts with a header row naming at least the columns below; other columns (route, district…) become attributes. JSON Lines holds one record per line. Records already credited count as duplicates if imported again.";
    ImportFile: "文件", "File";
    ImportFormat: "格式", "Format";
    ImportStart: "开始导入", "Start the import";
    ImportUploading: "正在上传…", "Uploading…";
    ImportErrNoFile: "请选择文件。", "Choose a file.";
    ImportErrEmpty: "文件是空的。", "The file is empty.";
    ImportErrTooLarge: "文件超过 100 MB。", "The file is larger than 100 MB.";
    ImportTitle: "导入", "Import";
    ImportProgressLabel: "进度", "Progress";
    ImportRunning: "正在导入…", "Importing…";
    ImportDone: "已完成", "Done";
    ImportFailed: "失败", "Failed";
    ImportInterrupted:
        "已中断（服务器重启）。请重新导入同一文件：已计入的记录会算作重复。",
        "Interrupted (the server restarted). Import the same file again: records already credited count as duplicates.";
    ImportLines: "行数", "Lines";
    ImportDuplicate: "重复", "Duplicates";
    ImportInvalid: "无效行", "Invalid lines";
    ImportNoErrors: "没有出错的行。", "No line failed.";
    ImportErrorsTitle: "未计入的行", "Lines not credited";
    ImportDownloadErrors: "下载出错的行（CSV）", "Download the error lines (CSV)";
    ImportLine: "行号", "Line";
    ImportExternalId: "记录编号", "External id";
    ImportDetail: "详情", "Detail";
    ImportHistoryTitle: "导入历史", "Import history";
    ImportNone: "还没有导入过文件。", "No files imported yet.";
    ImportStarted: "开始时间", "Started";
    ImportShow: "查看", "Show";
    ReportsTitle: "报表", "Reports";
    ReportPeriod: "统计期间", "Period";
    ReportFrom: "开始日期", "From";
    ReportTo: "结束日期", "To";
    ReportActionsCsv: "下载行动明细（CSV）", "Download actions (CSV)";
    ReportActionsHelp:
        "行动明细按日期、类型、合作方、区县和结果汇总：行动数、减排量（克）和积分。",
        "The actions report sums actions, CO₂e (grams) and points per day, kind, partner, district and outcome.";
    ReportCertified: "生成认证减排量报表", "Certified statement";
    ReportStatementTitle: "认证减排量报表", "Statement of certified reductions";
    ReportGenerated: "生成时间", "Generated";
    ReportActions: "计入的行动", "Actions credited";
    ReportCitizens: "参与市民", "Citizens credited";
    ReportMethodologies: "方法学（规则版本）", "Methodologies (rule versions)";
    ReportPrint: "打印", "Print";
    ReportDownloadCsv: "下载 CSV", "Download CSV";
    ReportErrDate: "请输入日期。", "Enter a date.";
    ReportErrBeforeFrom: "结束日期不能早于开始日期。", "The end cannot be before the start.";
    ReportErrTooLong: "期间不能超过 400 天。", "The period cannot be longer than 400 days.";
    AuditTitle: "审计日志", "Audit log";
    AuditFilter: "筛选审计日志", "Filter the audit log";
    AuditAction: "操作", "Action";
    AuditActionHint:
        "完整名称如 citizen.freeze，或以点结尾的前缀如 citizen.",
        "A full name such as citizen.freeze, or a prefix ending in a dot such as citizen.";
    AuditObjectKind: "对象类型", "Object kind";
    AuditObjectKindHint: "如 user、partner、rule_version", "E.g. user, partner, rule_version";
    AuditObjectId: "对象编号", "Object id";
    AuditApply: "筛选", "Filter";
    AuditOlder: "更早的记录", "Older entries";
    AuditActor: "管理员", "Administrator";
    AuditOperator: "运维命令行", "Operator (command line)";
    AuditBefore: "之前", "Before";
    AuditAfter: "之后", "After";
    RuleTextsTitle: "名称与说明", "Name and description";
    RuleNameZh: "名称（中文）", "Name (Chinese)";
    RuleNameEn: "名称（英文）", "Name (English)";
    RuleDescZh: "说明与数据来源（中文）", "Description and sources (Chinese)";
    RuleDescEn: "说明与数据来源（英文）", "Description and sources (English)";
    PointMethodLabel: "积分计算方式", "How points are computed";
    PointMethodPerKg: "按减排量（每千克二氧化碳当量）", "By CO₂e (per kilogram)";
    PointMethodPerUnit: "按数量（每单位）", "By quantity (per unit)";
    PointMethodPerAction: "按次（每次行动）", "Per action";
    PointRate: "积分数（每千克、每单位或每次）", "Points (per kg, per unit or per action)";
    ScheduleTitle: "适用时间", "When actions count";
    ScheduleHint: "未填写的项目不作限制。", "An empty list does not restrict.";
    SeasonsTitle: "季节", "Seasons";
    SeasonStart: "季节开始（月-日）", "Season start (MM-DD)";
    SeasonEnd: "季节结束（月-日，含当天）", "Season end (MM-DD, inclusive)";
    AddSeason: "添加季节", "Add a season";
    RemoveSeason: "删除季节", "Remove season";
    WindowsTitle: "每日时段", "Time windows";
    WindowsHint:
        "结束早于开始表示跨越午夜，如 20:00—06:00。",
        "An end before the start crosses midnight, e.g. 20:00–06:00.";
    WindowStart: "时段开始（时:分）", "Window start (HH:MM)";
    WindowEnd: "时段结束（时:分）", "Window end (HH:MM)";
    AddWindow: "添加时段", "Add a time window";
    RemoveWindow: "删除时段", "Remove time window";
    WeekdaysTitle: "星期（不选则每天）", "Days of the week (none ticked: every day)";
    Monday: "星期一", "Monday";
    Tuesday: "星期二", "Tuesday";
    Wednesday: "星期三", "Wednesday";
    Thursday: "星期四", "Thursday";
    Friday: "星期五", "Friday";
    Saturday: "星期六", "Saturday";
    Sunday: "星期日", "Sunday";
    LimitsTitle: "上限与核验", "Limits and checks";
    CapOverallPerDay: "所有类别每日总上限（分）", "Daily limit for all kinds (points)";
    CapOverallPerMonth: "所有类别每月总上限（分）", "Monthly limit for all kinds (points)";
    BoundsMin: "最小数量", "Smallest quantity";
    BoundsMax: "最大数量（可留空）", "Largest quantity (optional)";
    MaxSpeed: "最高可信速度（公里/小时，可留空）", "Fastest credible speed (km/h, optional)";
    MaxFill: "单次最大加注量（可留空）", "Largest single fill (optional)";
    ClaimWindowDays: "申报期限（天）", "Claim window (days)";
    ClockSkewSeconds: "允许的时钟偏差（秒）", "Clock skew allowed (seconds)";
    SelfDiscountPercent: "自行申报扣减（%）", "Self-declared discount (%)";
    EffectiveFrom: "生效时间（北京时间）", "In force from (city time)";
    EffectiveUntil: "失效时间（北京时间，可留空）", "In force until (city time, optional)";
    IssueRequired: "必填。", "Required.";
    IssueTooLong: "内容过长。", "Too long.";
    IssueMustBePositive: "必须大于 0。", "Must be above 0.";
    IssueMustNotBeNegative: "不能为负数。", "Must not be negative.";
    IssueOutOfRange: "超出允许范围。", "Outside the allowed range.";
    IssueMinAboveMax: "最小值不能大于最大值。", "The minimum cannot be above the maximum.";
    IssueDailyAboveMonthly: "每日上限不能高于每月上限。", "The daily limit cannot be above the monthly limit.";
    IssueEndNotAfterStart: "结束必须晚于开始。", "The end must be after the start.";
    IssueEmptyWindow: "开始与结束不能相同。", "The start and the end cannot be the same.";
    IssueDuplicate: "重复。", "Listed twice.";
    IssueTooMany: "条目过多。", "Too many entries.";
    IssueUnitNotAllowed: "此类别不使用该单位。", "This kind is not measured in this unit.";
    IssueNotApplicable: "该设置对此单位无效。", "This setting has no effect for this unit.";
    IssueNoReduction: "基准排放必须高于实际排放。", "The baseline must be above the project emission.";
    IssueNeverEarns:
        "此规则不计减排量，不能按减排量计分。",
        "This rule claims no CO₂e, so points by CO₂e would never be earned.";
    ErrTimeOfDay: "请输入 00:00 至 23:59 之间的时间（时:分）。", "Enter a time from 00:00 to 23:59 (HH:MM).";
    ErrMonthDay: "请输入有效的月-日，如 11-15。", "Enter a real day of the year as MM-DD, e.g. 11-15.";
    ErrWholeNumber: "请输入整数。", "Enter a whole number.";
    ErrQuantity: "请输入不超过三位小数的非负数。", "Enter a number of zero or more with at most three decimals.";
    ErrDateTime: "请输入日期和时间。", "Enter a date and time.";
    CalculationTitle: "计量与计算", "Unit and calculation";
    UnitLabel: "计量单位", "Unit";
    ReductionMethodLabel: "减排量计算方式", "How CO₂e is computed";
    ReductionFactors: "按排放因子（基准 − 实际，每单位）", "From factors (baseline − project, per unit)";
    ReductionFixed: "每次固定减排量", "A fixed amount per action";
    ReductionNone: "不计减排量（仅积分）", "No CO₂e (points only)";
    FixedReductionMg: "每次减排量（毫克）", "Reduction per action (mg)";
    MultipliersTitle: "积分加成", "Multipliers";
    MultipliersHint:
        "同时适用的多项加成依次计算，每次向下取整。",
        "Multipliers that apply together are applied one after another, each rounding down.";
    MultiplierN: "加成", "Multiplier";
    MultiplierLabelZh: "加成标签（中文）", "Multiplier label (Chinese)";
    MultiplierLabelEn: "加成标签（英文）", "Multiplier label (English)";
    MultiplierWhen: "加成适用时间", "When multiplier applies";
    AddMultiplier: "添加加成", "Add a multiplier";
    RemoveMultiplier: "删除加成", "Remove multiplier";
}

impl Msg {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        self.0[lang as usize]
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

/// The message for a rule editor issue found by `tanpu_core::rules::validate`.
pub fn issue_msg(code: tanpu_core::rules::IssueCode) -> Msg {
    use tanpu_core::rules::IssueCode as C;
    match code {
        C::Required => Msg::IssueRequired,
        C::TooLong => Msg::IssueTooLong,
        C::MustBePositive => Msg::IssueMustBePositive,
        C::MustNotBeNegative => Msg::IssueMustNotBeNegative,
        C::OutOfRange => Msg::IssueOutOfRange,
        C::MinAboveMax => Msg::IssueMinAboveMax,
        C::DailyAboveMonthly => Msg::IssueDailyAboveMonthly,
        C::EndNotAfterStart => Msg::IssueEndNotAfterStart,
        C::EmptyWindow => Msg::IssueEmptyWindow,
        C::Duplicate => Msg::IssueDuplicate,
        C::TooMany => Msg::IssueTooMany,
        C::UnitNotAllowed => Msg::IssueUnitNotAllowed,
        C::NotApplicable => Msg::IssueNotApplicable,
        C::NoReduction => Msg::IssueNoReduction,
        C::NeverEarns => Msg::IssueNeverEarns,
    }
}
