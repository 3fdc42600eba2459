//! `cohack admin …`: portal administration from the machine that runs it.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::Subcommand;

use super::DatabaseArgs;
use crate::{
    actions::data_rights,
    auth::{password, password_reset},
    models::{
        erasure::{ErasedBy, FORMER_MEMBER},
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
    /// Issue a one-time password reset link for an account and print it.
    ///
    /// The link works once, for 30 minutes, and replaces the account's earlier unused links;
    /// using it ends every session of the account. Hand it to its owner privately.
    ResetPassword {
        /// The account's email.
        #[arg(long)]
        email: String,
        /// The portal's public address, put in front of the link's path (e.g.
        /// https://hack.example.com) [default: print the path only].
        #[arg(long, env = "COHACK_PUBLIC_URL", value_name = "URL")]
        base_url: Option<String>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Erase a person's account, for an erasure request that reached the organizers.
    ///
    /// Their name, e-mail, password, sign-in identities, sessions and tokens go (open sockets
    /// close on every running instance within a second); their team's work stays, attributed
    /// to "former member", and scores do not change. Refused for the last organizer of the
    /// portal or of an event. Asks nothing: run it only once the request is confirmed. The
    /// erasure is recorded as made by `admin CLI` (see `cohack admin erasures`).
    EraseUser {
        /// The account's email.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List the recorded erasures, newest first: when and by whom (`self`, `admin CLI` or an
    /// organizer's user id), never who.
    Erasures {
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
        AdminCommand::ResetPassword {
            email,
            base_url,
            db,
        } => reset_password(&email, base_url.as_deref(), &db),
        AdminCommand::EraseUser { email, db } => erase_user(&email, &db),
        AdminCommand::Erasures { db } => list_erasures(&db),
    }
}

fn erase_user(email: &str, args: &DatabaseArgs) -> anyhow::Result<()> {
    let config = args.load(None)?;
    let email = crate::models::user::normalize_email(email)?;
    let db = open_database(&config)?;
    let mut conn = db.checkout(std::time::Duration::from_secs(10))?;
    let erased = match data_rights::erase_by_email(&mut conn, &email, &ErasedBy::AdminCli) {
        Err(crate::error::Error::NotFound(_)) => bail!("no account has the email {email}"),
        other => other?,
    };
    println!(
        "erased the account of {email}: now \"{FORMER_MEMBER}\"; {} session(s) ended (their \
         sockets close on every instance), {} sign-in identit(y/ies) and {} personal token(s) \
         removed, {} stored message(s) rewritten, {} unsent mail(s) dropped; recorded as \
         erasure {}",
        erased.sessions_ended,
        erased.identities_removed,
        erased.tokens_removed,
        erased.rows_rewritten,
        erased.mail_dropped,
        erased.erasure_id,
    );
    Ok(())
}

fn list_erasures(args: &DatabaseArgs) -> anyhow::Result<()> {
    let config = args.load(None)?;
    let db = open_database(&config)?;
    let mut conn = db.checkout(std::time::Duration::from_secs(10))?;
    let erasures = crate::models::erasure::list(&mut conn)?;
    if erasures.is_empty() {
        println!("no erasures recorded");
    }
    for erasure in erasures {
        println!(
            "{}\t{}\t{}",
            erasure.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
            erasure.erased_by,
            erasure.id
        );
    }
    Ok(())
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

fn reset_password(email: &str, base_url: Option<&str>, args: &DatabaseArgs) -> anyhow::Result<()> {
    let config = args.load(None)?;
    let email = crate::models::user::normalize_email(email)?;
    let db = open_database(&config)?;
    let mut conn = db.checkout(std::time::Duration::from_secs(10))?;
    let user = User::find_by_email(&mut conn, &email)?
        .with_context(|| format!("no account has the email {email}"))?;
    let link = password_reset::issue(&mut conn, &user.id, None)?;
    let expires = link.expires_at.format("%Y-%m-%d %H:%M UTC");
    match base_url {
        Some(base) => {
            let base = url::Url::parse(base.trim())
                .with_context(|| format!("--base-url {base} is not an address"))?;
            let url = base
                .join(&link.path())
                .context("joining the link to --base-url")?;
            println!("{url}");
            eprintln!("password reset link for {email}: works once, until {expires}");
        }
        None => {
            println!("{}", link.path());
            eprintln!(
                "password reset path for {email}: works once, until {expires}; put the \
                 portal's public address in front of it (or pass --base-url / set \
                 COHACK_PUBLIC_URL)"
            );
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
