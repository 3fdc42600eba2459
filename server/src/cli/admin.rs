//! `cohack admin …`: portal administration from the machine that runs it.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::Subcommand;

use super::DatabaseArgs;
use crate::{
    auth::password,
    models::{
        organization::Organization,
        user::{NewUser, User},
    },
    startup::open_database,
};

/// Administration tasks.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a portal organizer (who can create events), or make an existing account one.
    ///
    /// The password is read from COHACK_ADMIN_PASSWORD, or else from standard input (a
    /// prompt without echo on a terminal, the first line otherwise) — never from the
    /// command line, where other users could see it.
    CreateOrganizer {
        /// The organizer's email (their login).
        #[arg(long)]
        email: String,
        /// Name shown to others [default: the part of the email before @].
        #[arg(long)]
        name: Option<String>,
        /// The organizer's organization.
        #[arg(long, default_value = "Organizers")]
        organization: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// Runs an administration task.
pub fn run(command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateOrganizer {
            email,
            name,
            organization,
            db,
        } => create_organizer(&email, name.as_deref(), &organization, &db),
    }
}

fn create_organizer(
    email: &str,
    name: Option<&str>,
    organization: &str,
    args: &DatabaseArgs,
) -> anyhow::Result<()> {
    let config = args.load(None)?;
    let email = crate::models::user::normalize_email(email)?;
    let secret = read_password()?;
    let hash = password::hash(&secret)?;
    let db = open_database(&config)?;
    let mut conn = db.checkout(std::time::Duration::from_secs(10))?;
    let display_name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email));
    match User::find_by_email(&mut conn, &email)? {
        Some(existing) => {
            User::promote_to_organizer(&mut conn, &existing.id, &hash)?;
            println!("{email} is now a portal organizer (existing account, password updated)");
        }
        None => {
            let org = Organization::find_or_create(&mut conn, organization)?;
            User::create(
                &mut conn,
                NewUser {
                    email: &email,
                    password_hash: hash,
                    display_name,
                    organization_id: &org.id,
                    is_portal_organizer: true,
                },
            )?;
            println!("created portal organizer {email}");
        }
    }
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(from_env) = std::env::var("COHACK_ADMIN_PASSWORD") {
        return Ok(from_env);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            bail!("the passwords do not match");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let secret = line.trim_end_matches(['\r', '\n']).to_owned();
    if secret.is_empty() {
        bail!("no password given: set COHACK_ADMIN_PASSWORD or pipe it on standard input");
    }
    Ok(secret)
}
