//! Challenge actions: publish a package (samples re-run before it goes live), the ladder as
//! each caller sees it, organizers' settings, a team's materials, and rejudging.

pub mod ladder;
pub mod publish;
pub mod rejudge;
