//! cohack's end-to-end suite: the real server on a random port, the real binary, a real
//! SQLite file, and — when `COHACK_TEST_POSTGRES` is set — a real PostgreSQL database.

mod harness;
mod pg_proxy;
mod plain_browser;

mod accounts;
mod announcements;
mod auth;
mod basics;
mod board_pushes;
mod browser;
mod browser_accounts;
mod browser_board;
mod browser_organizer;
mod browser_portal;
mod browser_staff;
mod browser_team_pages;
mod browser_workspace;
mod challenges;
mod cli;
mod contract;
mod crash;
mod csv_injection;
mod event_flow;
mod events;
mod export;
mod generated_client;
mod hostile_requests;
mod import_hostile;
mod insights;
mod leaderboard;
mod live;
mod live_client;
mod live_instances;
mod network;
mod revocation;
mod submissions;
mod team_admin;
mod teams;
mod throttles;
mod web;
