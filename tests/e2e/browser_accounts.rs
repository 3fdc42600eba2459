//! Accounts in the browser: a reset link used once, a personal token created and revoked, the organization picked at sign-up.
