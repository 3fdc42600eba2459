//! A team's own administration and clock in the workspace, in Chromium: leaving, renaming, one invite link, countdowns and the live start.
