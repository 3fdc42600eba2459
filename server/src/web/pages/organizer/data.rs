//! What the organizer's page reads: the event, its roles, teams, announcements, ladder, help
//! calls and cliffs in one database call (refused unless the caller organizes the event), and
//! the full board from the leaderboard cache.

use std::sync::Arc;

use crate::{
    access,
    actions::teams,
    error::{Error, Result},
    insights::{self, CliffFilter},
    models::{
        announcement::{Announcement, AnnouncementView},
        challenge::Challenge,
        event::Event,
        help_call::HelpCall,
        reward::{ChallengeReward, Reward},
        role::{self, RoleHolder},
        team::TeamDetails,
        user::User,
    },
    scoring::{Board, BoardView},
    web::PageContext,
};

/// Everything the page shows, loaded as the organizer `user`.
pub(super) struct ManageData {
    pub(super) event: Event,
    pub(super) roles: Vec<RoleHolder>,
    pub(super) teams: Vec<TeamDetails>,
    pub(super) announcements: Vec<AnnouncementView>,
    pub(super) ladder: Vec<Challenge>,
    pub(super) calls: Vec<HelpCall>,
    pub(super) cliffs: insights::CliffsReport,
    /// The vendor's staff (signed in through a `staff` provider) without an author or
    /// engineer role here yet: offered when granting one.
    pub(super) staff: Vec<User>,
    /// The event's brackets, in order.
    pub(super) brackets: Vec<String>,
    /// Each challenge's reward words, in ladder order.
    pub(super) rewards: Vec<ChallengeReward>,
    /// The participation terms' versions and who accepted which.
    pub(super) terms: crate::actions::terms::TermsRecord,
}

pub(super) async fn load(ctx: &PageContext, slug: &str) -> Result<(ManageData, Arc<Board>)> {
    let user = ctx.require_user()?.user.clone();
    let owned = slug.to_owned();
    let data = ctx
        .state()
        .db
        .run(move |conn| {
            let access = access::event_access(conn, &user, &owned)?;
            access.require_organizer()?;
            let event = access.event;
            Ok::<_, Error>(ManageData {
                roles: role::list(conn, &event.id)?,
                teams: teams::list(conn, &user, &owned)?,
                announcements: Announcement::of_event(conn, &event.id, None, 20)?,
                ladder: Challenge::ladder(conn, &event.id)?,
                calls: HelpCall::of_event(conn, &event.id, true, None)?,
                cliffs: insights::cliffs_report_as(conn, &user, &owned, &CliffFilter::default())?,
                staff: User::staff_without_role(conn, &event.id)?,
                brackets: crate::actions::brackets::of_event(conn, &event.id)?,
                rewards: Reward::words_of_event(conn, &event.id)?,
                terms: crate::actions::terms::record_of(conn, &event.id)?,
                event,
            })
        })
        .await?;
    let board = ctx
        .state()
        .leaderboard
        .get_board(slug, BoardView::Full)
        .await?;
    Ok((data, board))
}
