//! User accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, new_id, now, schema::users},
    error::{Error, Result},
};

/// The longest email address, in characters (after trimming).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest display name, in characters (after trimming).
pub const MAX_DISPLAY_NAME_LEN: usize = 80;

/// A user account. The password hash never leaves the server.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    /// Identifier.
    pub id: String,
    /// Login, normalised to lower case.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Name shown to others.
    pub display_name: String,
    /// The user's organization.
    pub organization_id: String,
    /// May create events and grant event roles portal-wide.
    pub is_portal_organizer: bool,
    /// When the account was created.
    pub created_at: NaiveDateTime,
    /// The e-mail was proven: a verified identity carried it, or its owner opened a mailed
    /// link. Only a verified e-mail maps the account to an organization or links an identity.
    pub email_verified: bool,
    /// Signed in through a `staff` provider (the vendor's own): offered as coach and author.
    pub is_staff: bool,
    /// The organization came from a verified identity, not from what the person typed.
    pub organization_verified: bool,
}

/// What it takes to create an account; the password is already hashed.
#[derive(Debug)]
pub struct NewUser<'a> {
    /// Email as typed; normalised here.
    pub email: &'a str,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Name shown to others.
    pub display_name: &'a str,
    /// Organization id.
    pub organization_id: &'a str,
    /// Portal organizer flag.
    pub is_portal_organizer: bool,
}

/// Trims and lower-cases an email, and checks it looks like one.
pub fn normalize_email(email: &str) -> Result<String> {
    let email = email.trim();
    let valid = email.chars().count() <= MAX_EMAIL_CHARS
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(char::is_whitespace);
    let email = email.to_lowercase();
    if !valid {
        return Err(Error::bad_request(
            "invalid_email",
            "email must look like name@example.com",
        ));
    }
    Ok(email)
}

impl User {
    /// Creates an account; a taken email is a 409.
    pub fn create(conn: &mut DbConnection, new: NewUser<'_>) -> Result<User> {
        let display_name = new.display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME_LEN {
            return Err(Error::bad_request(
                "invalid_display_name",
                format!("display name must have 1 to {MAX_DISPLAY_NAME_LEN} characters"),
            ));
        }
        let user = User {
            id: new_id(),
            email: normalize_email(new.email)?,
            password_hash: new.password_hash,
            display_name: display_name.to_owned(),
            organization_id: new.organization_id.to_owned(),
            is_portal_organizer: new.is_portal_organizer,
            created_at: now(),
            email_verified: false,
            is_staff: false,
            organization_verified: false,
        };
        match diesel::insert_into(users::table)
            .values(&user)
            .execute(conn)
        {
            Ok(_) => Ok(user),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Err(Error::conflict(
                "email_taken",
                "an account with this email already exists",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The account with this email, if any.
    pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<User>> {
        let email = normalize_email(email)?;
        Ok(users::table
            .filter(users::email.eq(email))
            .select(User::as_select())
            .first(conn)
            .optional()?)
    }

    /// The account with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<User> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("user"))
    }

    /// Replaces the account's password hash.
    pub fn set_password(conn: &mut DbConnection, id: &str, password_hash: &str) -> Result<()> {
        diesel::update(users::table.find(id))
            .set(users::password_hash.eq(password_hash))
            .execute(conn)?;
        Ok(())
    }

    /// The vendor's staff (accounts that signed in through a `staff` provider) who hold no
    /// author or engineer role in the event, by name: whom organizers are offered as coaches
    /// and authors.
    pub fn staff_without_role(conn: &mut DbConnection, event_id: &str) -> Result<Vec<User>> {
        use crate::db::schema::event_roles;
        let holding = event_roles::table
            .filter(event_roles::event_id.eq(event_id))
            .filter(event_roles::role.eq_any(["author", "engineer"]))
            .select(event_roles::user_id);
        Ok(users::table
            .filter(users::is_staff.eq(true))
            .filter(users::id.ne_all(holding))
            .order((users::display_name.asc(), users::id.asc()))
            .limit(500)
            .select(User::as_select())
            .load(conn)?)
    }

    /// Makes an existing account a portal organizer with a new password.
    pub fn promote_to_organizer(
        conn: &mut DbConnection,
        id: &str,
        password_hash: &str,
    ) -> Result<()> {
        diesel::update(users::table.find(id))
            .set((
                users::is_portal_organizer.eq(true),
                users::password_hash.eq(password_hash),
            ))
            .execute(conn)?;
        Ok(())
    }
}
