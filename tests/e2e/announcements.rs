//! Announcements after they are posted: organizers edit and delete them, and every screen follows.
