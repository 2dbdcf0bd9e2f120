//! The JSON shapes of `/api/v1`, shared by the server and the browser app.

use crate::account::{Login, Role};
use crate::binding::SubjectType;
use crate::ids::{BindingId, PartnerId, UserId};
use crate::units::{GramsCo2e, Points};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

mod admin;
mod dashboard;
mod imports;
mod leaderboard;
mod rewards;

pub use admin::{
    AdjustmentRequest, AdjustmentResult, CitizenDetail, CitizenRow, CitizenSearch, FreezeRequest,
};
pub use dashboard::{
    CertifiedKind, CertifiedStatement, Dashboard, DashboardDay, DashboardSlice, DashboardTotals,
    DashboardWindow, LedgerCheck,
};
pub use imports::{ImportList, ImportView};
pub use leaderboard::{Leaderboard, LeaderboardChoice, LeaderboardEntry, LeaderboardPeriod};
pub use rewards::{
    Redemption, RedemptionList, RedemptionRecord, RewardCategory, RewardInput, RewardList,
    RewardView, UseVoucherRequest, VoucherList, VoucherStatus, VoucherView,
};

/// `GET /api/v1/public/stats`: what the whole city has achieved so far.
/// Responses accept unknown fields so that an older app keeps working when the
/// server adds one; request bodies are the ones that refuse them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicStats {
    /// Registered citizens.
    pub citizens: u64,
    /// Emission reductions credited to citizens, all time.
    pub co2e_g: GramsCo2e,
    /// Credits issued to citizens, all time.
    pub points_issued: Points,
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"` when healthy; a failing readiness check answers with an error body.
    pub status: String,
}

/// Stable machine-readable error codes. Clients match on these, never on the
/// message text, so a code once published is never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No such route or resource.
    NotFound,
    /// The method is not allowed on this route.
    MethodNotAllowed,
    /// The body is not valid JSON, or not of the expected shape.
    InvalidJson,
    /// The request was well-formed but its values are not acceptable.
    ValidationFailed,
    /// The request body is larger than the route accepts.
    PayloadTooLarge,
    /// The body's media type is not accepted.
    UnsupportedMediaType,
    /// The request body stopped arriving for longer than the server waits.
    RequestTimeout,
    /// No valid credentials were presented.
    Unauthorized,
    /// The credentials do not allow this.
    Forbidden,
    /// The request conflicts with the current state (e.g. a taken login).
    Conflict,
    /// The account is frozen by an administrator.
    AccountFrozen,
    /// Too many requests; retry after the time in `Retry-After`.
    RateLimited,
    /// The server cannot serve this now (e.g. the database is unreachable).
    Unavailable,
    /// Something failed on the server; details are in its log, not here.
    Internal,
    /// A code this build does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

/// The body of every error answer: `{"error": {"code", "message", "details"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// What went wrong, for machines (`code`, `details`) and people (`message`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable code to match on.
    pub code: ErrorCode,
    /// A sentence for a person; may change between versions.
    pub message: String,
    /// Structured context (e.g. the line and column of a JSON syntax error);
    /// `null` when there is none.
    #[serde(default)]
    pub details: serde_json::Value,
}

/// `POST /api/v1/auth/register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(example = json!({"login": "13800000009", "password": "a long passphrase", "nickname": "小绿", "consent": true}))
)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// A mainland mobile number or an e-mail address.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 254))]
    pub login: String,
    /// At least [`crate::account::PASSWORD_MIN_CHARS`] characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub password: String,
    /// The name shown to others (e.g. on the leaderboard).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 24))]
    pub nickname: String,
    /// The person accepted the privacy notice; must be `true`. The server
    /// records which version ([`crate::account::PRIVACY_NOTICE_VERSION`]) and
    /// when.
    pub consent: bool,
}

/// A person as the API shows them to themselves or to an administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    /// The id.
    pub id: UserId,
    /// The normalised login.
    pub login: Login,
    /// The nickname.
    pub nickname: String,
    /// What they may do.
    pub role: Role,
    /// Frozen accounts cannot sign in or earn credits.
    pub frozen: bool,
}

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(example = json!({"login": "13800000001", "password": "tanpu-demo-2026"}))
)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Mobile number or e-mail address, as typed.
    pub login: String,
    /// The password.
    pub password: String,
}

/// The answer to a login or a refresh. The refresh token travels separately,
/// in an httpOnly cookie the page's scripts cannot read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// A JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Who signed in.
    pub user: UserView,
}

/// `PATCH /api/v1/me`: what a person may change about themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    /// A new nickname.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 24))]
    pub nickname: String,
}

/// `POST /api/v1/admin/partners`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePartnerRequest {
    /// Unique display name, e.g. "聊城公交集团".
    pub name: String,
    /// Action kinds it may report, e.g. `["bus_ride"]`.
    pub kinds: Vec<String>,
}

/// A partner as administrators see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerView {
    /// Sent by the partner in the `tanpu-partner` header.
    pub id: PartnerId,
    /// Display name.
    pub name: String,
    /// Action kinds it may report.
    pub kinds: Vec<String>,
    /// Disabled partners are refused.
    pub disabled: bool,
    /// How many secrets are accepted now (2 during a rotation).
    pub active_secrets: u32,
    /// When it was created.
    #[serde(with = "crate::wire_time")]
    pub created_at: DateTime<Utc>,
}

/// A new signing secret, shown once: Tanpu keeps no copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerSecret {
    /// The partner.
    pub partner_id: PartnerId,
    /// `whsec_` + base64 of 32 random-looking bytes.
    pub secret: String,
}

/// `GET /api/v1/admin/partners`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerList {
    /// Every partner, oldest first.
    pub partners: Vec<PartnerView>,
}

/// The subject a partner names: a card or plate, never a user id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubjectRef {
    /// `transit_card`, `plate` or `fuel_card`.
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// The number or plate as the partner has it.
    pub value: String,
}

/// One partner record: the public contract of DESIGN.md §4.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(example = json!({"external_id": "LC-BUS-20261129-000123", "kind": "bus_ride", "subject": {"type": "transit_card", "value": "3100 1234 5678 9012"}, "started_at": "2026-11-29T08:10:00+08:00", "ended_at": "2026-11-29T08:32:00+08:00", "quantity": 7.4, "unit": "km", "attributes": {"route": "K5", "from_stop": "东昌湖", "to_stop": "火车站"}}))
)]
#[serde(deny_unknown_fields)]
pub struct PartnerRecord {
    /// The partner's unique id for the record: 1 to 128 bytes of UTF-8.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub external_id: String,
    /// `bus_ride`, `metro_ride`, `bike_trip`, `walk`, `refuel_offpeak`,
    /// `ev_charge`, or an administrator-defined kind.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::rules::ActionKind))]
    pub kind: String,
    /// Whose card or plate.
    pub subject: SubjectRef,
    /// When it started, RFC 3339 with offset.
    #[serde(with = "crate::wire_time")]
    pub started_at: DateTime<FixedOffset>,
    /// When it ended; absent for instant actions.
    #[serde(default, with = "crate::wire_time::option")]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// A decimal number with at most three decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = f64, minimum = 0))]
    pub quantity: serde_json::Number,
    /// `km`, `trip`, `L`, `kWh` or `step`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::rules::Unit))]
    pub unit: String,
    /// Free-form details (route, stops, station…).
    #[serde(default)]
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// `POST /api/v1/partner/actions/batch`. Records are parsed one by one, so a
/// malformed record is rejected alone (`invalid_record`) without failing the
/// batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartnerBatch {
    /// Up to 1,000 records. Each is read on its own, so a malformed one is
    /// rejected alone and never aborts the rest.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<PartnerRecord>, max_items = 1000))]
    pub records: Vec<serde_json::Value>,
}

/// What became of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Verified and credited.
    Accepted,
    /// Refused; `reasons` says why.
    Rejected,
    /// Waiting for a reviewer.
    Held,
    /// Seen before; the fields repeat the first decision.
    Duplicate,
}

/// The answer for one record, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordResult {
    /// The record's `external_id` (empty when it could not be read).
    pub external_id: String,
    /// The decision.
    pub status: RecordStatus,
    /// Points credited when `accepted`; when `held`, what the record earns
    /// if a reviewer approves it (nothing is credited yet); 0 when
    /// `rejected`; when `duplicate`, the first decision's figure.
    pub points: Points,
    /// CO2e in grams, on the same terms as `points`.
    pub co2e_g: GramsCo2e,
    /// Stable reason codes (empty when accepted in full).
    pub reasons: Vec<String>,
}

/// `POST /api/v1/partner/actions/batch`'s answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResult {
    /// One per record, in the order sent.
    pub results: Vec<RecordResult>,
}

/// `POST /api/v1/me/password`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    pub current_password: String,
    /// The new one.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

/// `PUT /api/v1/admin/users/{id}/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantRoleRequest {
    /// The role the person gets.
    pub role: Role,
}

/// `POST /api/v1/me/bindings`: the same subject shape partners send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BindingRequest {
    /// Card or plate.
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// The number or plate as typed.
    pub value: String,
}

/// A binding as its owner sees it: never the full number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BindingView {
    /// The id (for removal).
    pub id: BindingId,
    /// Card or plate.
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// E.g. `•••• 9012` or `鲁P·***45`.
    pub masked: String,
    /// When it was bound.
    #[serde(with = "crate::wire_time")]
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/me/bindings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BindingList {
    /// Active bindings, oldest first.
    pub bindings: Vec<BindingView>,
}

/// One week of a citizen's chart: what each kind earned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekTotals {
    /// The Monday that starts the week (city time).
    #[serde(with = "crate::wire_time")]
    pub week_start: NaiveDate,
    /// CO2e per action kind, in grams (kinds with nothing are absent).
    pub co2e_g_by_kind: std::collections::BTreeMap<String, GramsCo2e>,
    /// Points per action kind.
    pub points_by_kind: std::collections::BTreeMap<String, Points>,
}

/// `GET /api/v1/me/summary`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeSummary {
    /// Spendable points.
    pub balance: Points,
    /// CO2e saved, all time.
    pub co2e_g_total: GramsCo2e,
    /// CO2e saved this calendar month (city time).
    pub co2e_g_month: GramsCo2e,
    /// Points earned this month.
    pub points_month: Points,
    /// Consecutive days, ending today or yesterday, with a credited action.
    pub streak_days: u32,
    /// The last 12 weeks, oldest first.
    pub weeks: Vec<WeekTotals>,
    /// The latest actions, newest first.
    pub recent: Vec<ActionItem>,
}

/// A green action as its citizen sees it in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionItem {
    /// The action's id (for its detail page).
    pub id: i64,
    /// Its kind, e.g. `bus_ride`.
    pub kind: String,
    /// When it started.
    #[serde(default, with = "crate::wire_time::option")]
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    #[serde(default, with = "crate::wire_time::option")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Quantity in thousandths of the unit.
    pub quantity_milli: i64,
    /// The unit.
    pub unit: String,
    /// `accepted`, `rejected` or `held`.
    pub status: String,
    /// Points credited.
    pub points: Points,
    /// CO2e credited.
    pub co2e_g: GramsCo2e,
    /// Why it was not (fully) credited.
    pub reasons: Vec<String>,
    /// The partner's details (route, stops, station…).
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// A reviewer's note on a held action they decided.
    #[serde(default)]
    pub review_note: Option<String>,
}

/// `GET /api/v1/me/actions`: newest first, by pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionPage {
    /// This page.
    pub items: Vec<ActionItem>,
    /// Pass as `before_id` for the next page; absent on the last.
    pub next_before_id: Option<i64>,
}

/// `GET /api/v1/me/actions/{id}`: the action and the calculation behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionDetail {
    /// The action.
    pub action: ActionItem,
    /// The evaluator's breakdown, when a rule was applied.
    pub breakdown: Option<crate::rules::Breakdown>,
}

/// One entry of the audit log: who changed what, when, from what to what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Increases with time; pass as `before_id` to page.
    pub id: i64,
    /// The administrator; absent for the operator at the command line.
    pub actor_id: Option<UserId>,
    /// A stable name such as `rule.publish`.
    pub action: String,
    /// What kind of object changed, e.g. `rule_version`.
    pub object_kind: String,
    /// Its id.
    pub object_id: String,
    /// The object before (absent for a creation).
    pub before: Option<serde_json::Value>,
    /// The object after (absent for a deletion).
    pub after: Option<serde_json::Value>,
    /// When.
    #[serde(with = "crate::wire_time")]
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/admin/audit`: newest first, by pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// This page.
    pub items: Vec<AuditEntry>,
    /// Pass as `before_id` for the next page; absent on the last.
    pub next_before_id: Option<i64>,
}

/// What a rule version is, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleVersionStatus {
    /// Editable; never applied.
    Draft,
    /// Immutable, with an effective interval.
    Published,
    /// Published, then ended by an administrator.
    Retired,
}

/// Where a rule version stands at the time of the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleVersionPhase {
    /// A draft.
    Draft,
    /// Published, starting later.
    Scheduled,
    /// Applies to actions starting now.
    InForce,
    /// Its interval is over (or was cancelled before it began).
    Ended,
}

/// A rule version without its definition, for lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleVersionSummary {
    /// The version's id.
    pub id: crate::ids::RuleVersionId,
    /// Its rule.
    pub rule_id: crate::ids::RuleId,
    /// 1, 2, 3… within the rule.
    pub version: u32,
    /// As stored.
    pub status: RuleVersionStatus,
    /// Now.
    pub phase: RuleVersionPhase,
    /// In force from (inclusive); absent for a draft.
    #[serde(default, with = "crate::wire_time::option")]
    pub effective_from: Option<DateTime<Utc>>,
    /// In force until (exclusive); absent while open-ended.
    #[serde(default, with = "crate::wire_time::option")]
    pub effective_until: Option<DateTime<Utc>>,
    /// The administrator who created it; absent for seeds.
    pub created_by: Option<UserId>,
    /// When it was created.
    #[serde(with = "crate::wire_time")]
    pub created_at: DateTime<Utc>,
    /// When it was published.
    #[serde(default, with = "crate::wire_time::option")]
    pub published_at: Option<DateTime<Utc>>,
}

/// A rule version with its definition (the rule editor's document).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleVersionView {
    /// Status, interval and history fields.
    #[serde(flatten)]
    pub summary: RuleVersionSummary,
    /// The parameters; for published versions its interval equals the
    /// summary's.
    pub definition: crate::rules::RuleVersion,
}

/// A rule (one per action kind) with all its versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSummary {
    /// The rule's id.
    pub id: crate::ids::RuleId,
    /// The action kind it credits.
    pub kind: String,
    /// The name of the version in force (else of the newest version).
    pub name: crate::rules::Text,
    /// The version in force now, if any.
    pub in_force: Option<crate::ids::RuleVersionId>,
    /// Every version, oldest first.
    pub versions: Vec<RuleVersionSummary>,
}

/// `GET /api/v1/admin/rules`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleList {
    /// Built-in kinds first, then by kind.
    pub rules: Vec<RuleSummary>,
}

/// `POST /api/v1/admin/rules/{rule_id}/versions`: a new draft, copied from
/// `from_version_id` (a version of this rule), or from the newest version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDraftRequest {
    /// The version to start from.
    #[serde(default)]
    pub from_version_id: Option<crate::ids::RuleVersionId>,
}

/// `POST …/versions/{version_id}/publish`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishRuleRequest {
    /// In force from; absent for "now" (the server's clock). Never in the past.
    #[serde(default, with = "crate::wire_time::option")]
    pub effective_from: Option<DateTime<FixedOffset>>,
    /// In force until (exclusive); absent for no planned end.
    #[serde(default, with = "crate::wire_time::option")]
    pub effective_until: Option<DateTime<FixedOffset>>,
}

/// `POST …/versions/{version_id}/retire`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetireRuleRequest {
    /// When it stops applying; absent for "now". Never in the past.
    #[serde(default, with = "crate::wire_time::option")]
    pub at: Option<DateTime<FixedOffset>>,
}

/// One changed field between two rule definitions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The path, as validation names it: `multipliers[0].percent`.
    pub field: String,
    /// The value before (`null` when the field was absent).
    pub old: serde_json::Value,
    /// The value after (`null` when the field was removed).
    pub new: serde_json::Value,
}

/// A version in a rule's history and what changed since the one before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleHistoryEntry {
    /// The version.
    pub version: RuleVersionView,
    /// The version it is compared with (the previous number); absent for
    /// the first.
    pub previous: Option<crate::ids::RuleVersionId>,
    /// Changed definition fields (the interval is in the summary).
    pub changes: Vec<FieldChange>,
}

/// `GET /api/v1/admin/rules/{rule_id}/history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleHistory {
    /// The rule.
    pub rule_id: crate::ids::RuleId,
    /// Its kind.
    pub kind: String,
    /// Oldest first.
    pub versions: Vec<RuleHistoryEntry>,
}

/// A rule in force, as the public "how to earn" page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleInForce {
    /// The rule.
    pub rule_id: crate::ids::RuleId,
    /// The version in force.
    pub version_id: crate::ids::RuleVersionId,
    /// Its number within the rule.
    pub version: u32,
    /// Kind, unit, name and description (with the sources) in zh-CN and
    /// English, parameters, windows, caps and interval.
    pub definition: crate::rules::RuleVersion,
}

/// `GET /api/v1/public/rules`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicRules {
    /// The moment the answer describes.
    #[serde(with = "crate::wire_time")]
    pub at: DateTime<Utc>,
    /// Built-in kinds first, then by kind.
    pub rules: Vec<RuleInForce>,
}

/// `POST /api/v1/public/rules/preview`: a hypothetical action, the partner
/// record of DESIGN.md §4 without `external_id` and `subject`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(example = json!({"kind": "bus_ride", "started_at": "2026-12-01T08:10:00+08:00", "ended_at": "2026-12-01T08:32:00+08:00", "quantity": 7.4, "unit": "km"}))
)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The action kind.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::rules::ActionKind))]
    pub kind: String,
    /// When it started, RFC 3339 with offset.
    #[serde(with = "crate::wire_time")]
    pub started_at: DateTime<FixedOffset>,
    /// When it ended; absent for instant actions.
    #[serde(default, with = "crate::wire_time::option")]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// A decimal number with at most three decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = f64, minimum = 0))]
    pub quantity: serde_json::Number,
    /// `km`, `trip`, `L`, `kWh` or `step`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::rules::Unit))]
    pub unit: String,
    /// Free-form details; shown, not evaluated.
    #[serde(default)]
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// The answer of a preview: what the rule in force at the action's time
/// would decide, skipping the citizen's claim window, caps and overlaps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewResult {
    /// `accepted`, `rejected` or `held`.
    pub status: crate::rules::DecisionStatus,
    /// Points it would earn (zero when rejected).
    pub points: Points,
    /// CO2e it would be credited with (zero when rejected).
    pub co2e_g: GramsCo2e,
    /// Reason codes.
    pub reasons: Vec<crate::rules::ReasonCode>,
    /// The calculation; absent when no rule is in force for the kind then.
    pub breakdown: Option<crate::rules::Breakdown>,
}

/// `POST …/versions/{version_id}/simulate`: the period of actions' start
/// times, `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SimulationRequest {
    /// First start time included.
    #[serde(with = "crate::wire_time")]
    pub from: DateTime<FixedOffset>,
    /// First start time excluded.
    #[serde(with = "crate::wire_time")]
    pub to: DateTime<FixedOffset>,
}

/// Outcomes of a set of actions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulationTotals {
    /// Accepted actions.
    pub accepted: u64,
    /// Rejected actions.
    pub rejected: u64,
    /// Actions held for review.
    pub held: u64,
    /// Points of the accepted actions.
    pub points: Points,
    /// CO2e of the accepted actions.
    pub co2e_g: GramsCo2e,
}

/// A citizen whose credits the simulated version would change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AffectedCitizen {
    /// Who.
    pub user_id: UserId,
    /// Their nickname.
    pub nickname: String,
    /// Points credited in the period.
    pub points_before: Points,
    /// Points the simulated version would have credited.
    pub points_after: Points,
    /// `points_after − points_before`.
    pub difference: Points,
}

/// What a rule version would have changed over stored actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulationReport {
    /// The rule.
    pub rule_id: crate::ids::RuleId,
    /// The simulated version.
    pub version_id: crate::ids::RuleVersionId,
    /// The rule's kind.
    pub kind: String,
    /// The period, `[from, to)`.
    #[serde(with = "crate::wire_time")]
    pub from: DateTime<Utc>,
    /// End of the period (excluded).
    #[serde(with = "crate::wire_time")]
    pub to: DateTime<Utc>,
    /// Stored actions of the kind that started in the period.
    pub actions: u64,
    /// Of those, how many would get another status or other points.
    pub changed: u64,
    /// As credited.
    pub before: SimulationTotals,
    /// As the simulated version would have credited them.
    pub after: SimulationTotals,
    /// The citizens most affected, by absolute point difference (at most 10).
    pub top_citizens: Vec<AffectedCitizen>,
    /// How long the simulation took.
    pub elapsed_ms: u64,
}

/// `POST /api/v1/me/claims`: a citizen's own claim for an action no partner
/// reported ("my card wasn't read on the No. 5 bus at 08:10").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(example = json!({"kind": "bus_ride", "started_at": "2026-11-28T08:10:00+08:00", "ended_at": "2026-11-28T08:32:00+08:00", "quantity": 6.5, "unit": "km", "note": "My card was not read on the No. 5 bus at 08:10."}))
)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The action kind.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::rules::ActionKind))]
    pub kind: String,
    /// When it started.
    #[serde(with = "crate::wire_time")]
    pub started_at: DateTime<FixedOffset>,
    /// When it ended, for actions with a duration.
    #[serde(default, with = "crate::wire_time::option")]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// How much (at most three decimals).
    #[cfg_attr(feature = "openapi", schema(value_type = f64, minimum = 0))]
    pub quantity: serde_json::Number,
    /// Its unit.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::rules::Unit))]
    pub unit: String,
    /// What happened, for the reviewer (at most 500 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
}

/// A held action in the review queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    /// The action.
    pub action: ActionItem,
    /// Whose.
    pub user_id: Option<UserId>,
    /// Their nickname.
    pub nickname: Option<String>,
    /// A citizen's own claim (else a partner's record).
    pub self_declared: bool,
    /// The citizen's note.
    pub note: Option<String>,
    /// Points credited if approved.
    pub points_if_approved: Points,
}

/// `GET /api/v1/review/queue`: oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewQueue {
    /// This page.
    pub items: Vec<ReviewItem>,
    /// Pass as `after_id` for the next page.
    pub next_after_id: Option<i64>,
}

/// `POST /api/v1/review/actions/{id}/approve` and `/reject`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    /// Shown to the citizen (required when rejecting).
    #[serde(default)]
    pub note: String,
}

/// One line of the citizen's ledger statement in an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedEntry {
    /// The transfer.
    pub transfer_id: i64,
    /// Signed change.
    pub amount: Points,
    /// Balance right after.
    pub balance_after: Points,
    /// `green_action`, `redemption`, `reversal` or `adjustment`.
    pub reason: String,
    /// Why, in words (an administrator's adjustment, a reward's name).
    #[serde(default)]
    pub memo: Option<String>,
    /// When.
    #[serde(with = "crate::wire_time")]
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/me/export`: everything Tanpu holds about the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataExport {
    /// When the export was made.
    #[serde(with = "crate::wire_time")]
    pub exported_at: DateTime<Utc>,
    /// The account.
    pub account: UserView,
    /// The privacy notice version consented to, and when.
    pub consent: (String, DateTime<Utc>),
    /// Active bindings (masked: the full numbers are not stored).
    pub bindings: Vec<BindingView>,
    /// Every action, newest first.
    pub actions: Vec<ActionItem>,
    /// The balance now.
    pub balance: Points,
    /// The ledger statement, newest first.
    pub ledger: Vec<ExportedEntry>,
    /// Rewards redeemed, newest first.
    #[serde(default)]
    pub vouchers: Vec<RedemptionRecord>,
    /// Whether the nickname appears on the leaderboard.
    #[serde(default)]
    pub leaderboard_opt_in: bool,
}

/// `DELETE /api/v1/me`: the password again, as a deliberate confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    /// The current password.
    pub password: String,
}

/// One problem `GET /api/v1/admin/ledger/verify` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerProblem {
    /// Stable code, e.g. `entry_hash`, `balance_mismatch`.
    pub kind: String,
    /// The account concerned.
    pub account: Option<i64>,
    /// The entry concerned.
    pub entry: Option<i64>,
    /// The transfer concerned.
    pub transfer: Option<i64>,
    /// For a person.
    pub detail: String,
}

/// `GET /api/v1/admin/ledger/verify`: the same proof as `tanpu ledger verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerVerification {
    /// Nothing is wrong: every chain intact, every balance the fold of its
    /// entries, every transfer balanced, the sum zero.
    pub ok: bool,
    /// Accounts compared with their entries.
    pub accounts_checked: u64,
    /// Entries whose hash was recomputed.
    pub entries_checked: u64,
    /// Transfers checked.
    pub transfers_checked: u64,
    /// Σ of all balances, as text (it is an i128; 0 when conserved).
    pub total_balance: String,
    /// How many problems.
    pub problem_count: u64,
    /// The first of them.
    pub problems: Vec<LedgerProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_the_published_shape() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::PayloadTooLarge,
                message: "too big".into(),
                details: serde_json::json!({"limit_bytes": 10}),
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "payload_too_large");
        assert_eq!(json["error"]["details"]["limit_bytes"], 10);
    }

    #[test]
    fn unknown_error_codes_from_a_newer_server_still_parse() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"brand_new","message":"m"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }
}
