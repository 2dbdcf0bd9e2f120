//! City-wide totals for the public landing page.

use super::ServiceResult;
use crate::entities::{daily_totals, users};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use tanpu_core::account::Role;
use tanpu_core::api::PublicStats;
use tanpu_core::{GramsCo2e, Points};

#[derive(FromQueryResult)]
struct Sums {
    co2e_g: Option<i64>,
    points: Option<i64>,
}

/// Registered citizens and everything credited so far, from the daily
/// roll-ups (a sum over days, not over actions).
///
/// # Errors
/// Database failures.
pub async fn public_stats(db: &DatabaseConnection) -> ServiceResult<PublicStats> {
    let citizens = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Citizen.as_str()))
        // Deleted accounts keep their row (the ledger refers to it) but are
        // nobody's: not counted.
        .filter(
            users::Column::FrozenReason
                .is_null()
                .or(users::Column::FrozenReason.ne(super::accounts::DELETED_REASON)),
        )
        .count(db)
        .await?;
    // CAST keeps the SUM an integer on PostgreSQL (where SUM(bigint) is numeric).
    let sums = daily_totals::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(co2e_g) AS BIGINT)"), "co2e_g")
        .column_as(Expr::cust("CAST(SUM(points) AS BIGINT)"), "points")
        .into_model::<Sums>()
        .one(db)
        .await?;
    let (co2e_g, points) = sums.map_or((None, None), |s| (s.co2e_g, s.points));
    Ok(PublicStats {
        citizens,
        co2e_g: GramsCo2e(co2e_g.unwrap_or(0)),
        points_issued: Points(points.unwrap_or(0)),
    })
}
