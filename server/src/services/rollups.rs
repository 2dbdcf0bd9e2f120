//! Daily roll-ups: what was credited per local day and action kind.
//!
//! Crediting an action adds to its day's row in the same transaction, so the
//! public and administrative totals are a sum over days, never a scan of
//! actions or ledger entries, whatever the ledger's size.

use crate::entities::daily_totals;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use tanpu_core::{GramsCo2e, Points};

/// Adds one credited action to the roll-up of `day` and `kind`. Call it in
/// the transaction that credits the action.
///
/// # Errors
/// Database failures, as the database reported them: a caller inside a
/// retried transaction must see a deadlock as a deadlock.
pub async fn add_credited_action<C: ConnectionTrait>(
    conn: &C,
    day: NaiveDate,
    kind: &str,
    co2e: GramsCo2e,
    points: Points,
) -> Result<(), DbErr> {
    use daily_totals::Column as C;
    let row = daily_totals::ActiveModel {
        day: Set(day),
        kind: Set(kind.to_owned()),
        actions: Set(1),
        co2e_g: Set(co2e.0),
        points: Set(points.0),
    };
    // An atomic upsert: concurrent credits on the same day add up instead of
    // overwriting each other.
    daily_totals::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::Day, C::Kind])
                .value(
                    C::Actions,
                    Expr::col((daily_totals::Entity, C::Actions)).add(1),
                )
                .value(
                    C::Co2eG,
                    Expr::col((daily_totals::Entity, C::Co2eG)).add(co2e.0),
                )
                .value(
                    C::Points,
                    Expr::col((daily_totals::Entity, C::Points)).add(points.0),
                )
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
