//! The organizer's page at 50 teams in Chromium: search, filters, bulk coaching, team administration and edits that keep the place.
