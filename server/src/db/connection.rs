//! The connection type every query is written against: one enum over both backends, with
//! diesel's `MultiConnection` derive doing the dispatch.

use diesel::{PgConnection, SqliteConnection};

/// A connection to either backend; every query in cohack is written against this type.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The embedded default.
    Sqlite(SqliteConnection),
    /// For several instances behind a load balancer.
    Postgres(PgConnection),
}
