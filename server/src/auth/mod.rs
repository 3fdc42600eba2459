//! Authentication: password hashing (and, with the portal's accounts, tokens).

pub mod password;
