//! The portal's own rules, re-applied to the rows that carry them: accounts (e-mail, name,
//! password hash, never the portal-organizer flag), the event's settings, and team membership
//! (participants only, one team per person, at most `team_size_max` per team).

use argon2::password_hash::PasswordHash;

use super::{FileEvent, Kind, Vetter, invalid, once, unknown};
use crate::{
    export::{
        error::Refusal,
        rows::{EventRow, UserRow},
    },
    models::{
        event::EventSettings,
        event_options::EventOptions,
        role::EventRole,
        user::{self, normalize_email},
    },
};

/// Accepts an empty hash (nobody can sign in: anonymized exports) or an argon2id PHC string
/// that costs no more to verify than this portal's own: a forged cost would make every
/// sign-in attempt on that e-mail burn the server's memory and time.
fn check_password_hash(hash: &str) -> Result<(), Refusal> {
    if hash.is_empty() {
        return Ok(());
    }
    let parsed = PasswordHash::new(hash)
        .map_err(|e| Refusal::PasswordHash(format!("is not a PHC string ({e})")))?;
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return Err(Refusal::PasswordHash(format!(
            "uses {}, this portal verifies argon2id only",
            parsed.algorithm
        )));
    }
    let params = argon2::Params::try_from(&parsed)
        .map_err(|e| Refusal::PasswordHash(format!("has unusable parameters ({e})")))?;
    let ours = argon2::Params::default();
    if params.m_cost() > ours.m_cost()
        || params.t_cost() > ours.t_cost()
        || params.p_cost() > ours.p_cost()
    {
        return Err(Refusal::PasswordHash(format!(
            "costs more to verify (m={}, t={}, p={}) than this portal's own (m={}, t={}, p={})",
            params.m_cost(),
            params.t_cost(),
            params.p_cost(),
            ours.m_cost(),
            ours.t_cost(),
            ours.p_cost()
        )));
    }
    Ok(())
}

impl Vetter {
    /// A user: a valid, unique e-mail and name, a password hash this portal may verify, and
    /// never a portal organizer.
    pub(super) fn user(&mut self, r: &mut UserRow) -> Result<(), Refusal> {
        if !self
            .ids
            .contains_key(&(Kind::Organization, r.organization_id.clone()))
        {
            return Err(unknown(
                "organization_id",
                Kind::Organization,
                &r.organization_id,
            ));
        }
        self.used_organizations.insert(r.organization_id.clone());
        let email = normalize_email(&r.email)
            .map_err(|_| invalid(format!("`email` {:?} is not an e-mail address", r.email)))?;
        once(&mut self.emails, email.clone(), || {
            format!("the e-mail address {email}")
        })?;
        r.email = email;
        let name = r.display_name.trim();
        if name.is_empty() || name.chars().count() > user::MAX_DISPLAY_NAME_LEN {
            return Err(invalid(format!(
                "a display name must have 1 to {} characters",
                user::MAX_DISPLAY_NAME_LEN
            )));
        }
        r.display_name = name.to_owned();
        check_password_hash(&r.password_hash)?;
        // Never imported: only `cohack admin` makes portal organizers.
        r.is_portal_organizer = false;
        self.defined_users.push((self.line, r.id.clone()));
        self.define_as(Kind::User, &r.id, r.id.clone())
    }

    /// The one event: the header's slug, settings the portal accepts.
    pub(super) fn event(&mut self, r: &mut EventRow) -> Result<(), Refusal> {
        if self.event.is_some() {
            return Err(Refusal::SecondEvent);
        }
        if r.slug != self.slug {
            return Err(Refusal::SlugMismatch {
                header: self.slug.clone(),
                row: r.slug.clone(),
            });
        }
        let settings = EventSettings {
            slug: r.slug.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            freeze_at: r.freeze_at,
            registration: r.registration.clone(),
            invite_code: r.invite_code.clone(),
            team_size_min: r.team_size_min,
            team_size_max: r.team_size_max,
        };
        settings.validate().map_err(|e| invalid(e.to_string()))?;
        r.invite_code = settings.normalized().invite_code;
        let options = EventOptions {
            hint_cost: r.hint_cost.clone(),
            board_names: r.board_names.clone(),
            time_zone: r.time_zone.clone(),
            rewards: r.rewards,
            hold_rewards_until_end: r.hold_rewards_until_end,
            remote_reward: r.remote_reward.clone(),
        }
        .normalized();
        options.validate().map_err(|e| invalid(e.to_string()))?;
        r.time_zone = options.time_zone;
        r.remote_reward = options.remote_reward;
        let file_id = r.id.clone();
        self.define(Kind::Event, &mut r.id)?;
        self.event = Some(FileEvent {
            file_id,
            id: r.id.clone(),
            team_size_max: r.team_size_max,
        });
        Ok(())
    }

    /// A membership under the event's team rules: members are participants, one team per
    /// person, at most `team_size_max` per team.
    pub(super) fn member(
        &mut self,
        user: &str,
        file_team: String,
        team: &str,
    ) -> Result<(), Refusal> {
        if !self.has_role(user, EventRole::Participant) {
            return Err(Refusal::MissingRole {
                user: user.to_owned(),
                what: "a team member",
                role: EventRole::Participant.as_str(),
            });
        }
        if let Some(first) = self.team_of.get(user) {
            return Err(Refusal::SecondTeam {
                user: user.to_owned(),
                team: first.clone(),
            });
        }
        let max = self.event.as_ref().map_or(0, |e| e.team_size_max);
        let size = self.team_sizes.entry(team.to_owned()).or_default();
        *size += 1;
        if i64::try_from(*size).unwrap_or(i64::MAX) > i64::from(max) {
            return Err(Refusal::TeamFull {
                team: file_team,
                members: *size,
                max,
            });
        }
        self.team_of.insert(user.to_owned(), file_team);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_are_accepted_only_as_argon2id_at_the_portals_cost() {
        assert!(
            check_password_hash("").is_ok(),
            "anonymized: nobody signs in"
        );
        let ours = crate::auth::password::hash("correct horse battery").expect("hash");
        assert!(check_password_hash(&ours).is_ok());
        let refused =
            |hash: &str| matches!(check_password_hash(hash), Err(Refusal::PasswordHash(_)));
        assert!(refused("hunter2"));
        assert!(refused(
            "$argon2id$v=19$m=1048576,t=50,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(refused(
            "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaA"
        ));
    }
}
