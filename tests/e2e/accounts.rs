//! Accounts after sign-up: one-time password reset links, personal API tokens, organizations picked at sign-up.
