//! Organizations, their memberships and invitations, and the active organization of sessions.

use rusqlite::{params, OptionalExtension, Row};
use serde_json::Value;

use super::database::Store;
use crate::util::{new_id, now_ms};

/// A stored organization.
#[derive(Debug, Clone)]
pub(crate) struct OrgRecord {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub max_allowed_memberships: i64,
    pub admin_delete_enabled: bool,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A user's membership in an organization.
#[derive(Debug, Clone)]
pub(crate) struct MembershipRecord {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    /// Role key with the `org:` prefix (`org:admin`).
    pub role: String,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An invitation of an email address into an organization.
#[derive(Debug, Clone)]
pub(crate) struct InvitationRecord {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    /// `pending`, `accepted` or `revoked`.
    pub status: String,
    pub inviter_user_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const ORG_COLUMNS: &str = "id, name, slug, max_allowed_memberships, admin_delete_enabled, \
     public_metadata, private_metadata, created_by, created_at, updated_at";
const MEMBERSHIP_COLUMNS: &str = "id, organization_id, user_id, role, public_metadata, \
     private_metadata, created_at, updated_at";
const INVITATION_COLUMNS: &str =
    "id, organization_id, email, role, status, inviter_user_id, created_at, updated_at";

fn json_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Value> {
    let text: String = row.get(index)?;
    Ok(serde_json::from_str(&text).unwrap_or_else(|_| Value::Object(Default::default())))
}

fn org_from_row(row: &Row<'_>) -> rusqlite::Result<OrgRecord> {
    Ok(OrgRecord {
        id: row.get(0)?,
        name: row.get(1)?,
        slug: row.get(2)?,
        max_allowed_memberships: row.get(3)?,
        admin_delete_enabled: row.get(4)?,
        public_metadata: json_column(row, 5)?,
        private_metadata: json_column(row, 6)?,
        created_by: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

fn membership_from_row(row: &Row<'_>) -> rusqlite::Result<MembershipRecord> {
    Ok(MembershipRecord {
        id: row.get(0)?,
        organization_id: row.get(1)?,
        user_id: row.get(2)?,
        role: row.get(3)?,
        public_metadata: json_column(row, 4)?,
        private_metadata: json_column(row, 5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
    })
}

fn invitation_from_row(row: &Row<'_>) -> rusqlite::Result<InvitationRecord> {
    Ok(InvitationRecord {
        id: row.get(0)?,
        organization_id: row.get(1)?,
        email: row.get(2)?,
        role: row.get(3)?,
        status: row.get(4)?,
        inviter_user_id: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
    })
}

/// Fields of an organization to create.
#[derive(Debug, Default)]
pub(crate) struct NewOrg {
    pub name: String,
    pub slug: String,
    pub created_by: Option<String>,
    pub max_allowed_memberships: i64,
    pub public_metadata: Option<Value>,
    pub private_metadata: Option<Value>,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

impl Store {
    /// Inserts an organization; fails with a constraint error when the slug is taken.
    pub(crate) fn insert_org(&self, org: NewOrg) -> rusqlite::Result<OrgRecord> {
        let now = now_ms();
        let record = OrgRecord {
            id: new_id("org"),
            name: org.name,
            slug: org.slug,
            max_allowed_memberships: org.max_allowed_memberships,
            admin_delete_enabled: true,
            public_metadata: org.public_metadata.unwrap_or_else(empty_object),
            private_metadata: org.private_metadata.unwrap_or_else(empty_object),
            created_by: org.created_by,
            created_at: now,
            updated_at: now,
        };
        self.conn().execute(
            &format!("INSERT INTO organizations ({ORG_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                record.id,
                record.name,
                record.slug,
                record.max_allowed_memberships,
                record.admin_delete_enabled,
                record.public_metadata.to_string(),
                record.private_metadata.to_string(),
                record.created_by,
                record.created_at,
                record.updated_at,
            ],
        )?;
        Ok(record)
    }

    /// Writes the organization's mutable fields back, stamping `updated_at`; fails with a
    /// constraint error when the new slug is taken.
    pub(crate) fn save_org(&self, org: &mut OrgRecord) -> rusqlite::Result<()> {
        org.updated_at = now_ms();
        self.conn().execute(
            "UPDATE organizations SET name = ?2, slug = ?3, max_allowed_memberships = ?4,
             admin_delete_enabled = ?5, public_metadata = ?6, private_metadata = ?7,
             updated_at = ?8 WHERE id = ?1",
            params![
                org.id,
                org.name,
                org.slug,
                org.max_allowed_memberships,
                org.admin_delete_enabled,
                org.public_metadata.to_string(),
                org.private_metadata.to_string(),
                org.updated_at,
            ],
        )?;
        Ok(())
    }

    /// The organization whose id or slug is `id_or_slug`.
    pub(crate) fn org(&self, id_or_slug: &str) -> rusqlite::Result<Option<OrgRecord>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organizations WHERE id = ?1 OR slug = ?1");
        self.conn()
            .query_row(&sql, params![id_or_slug], org_from_row)
            .optional()
    }

    /// Organizations whose id equals, or name or slug contains, `query` (all without one),
    /// newest first, with the total count before `limit`/`offset`.
    pub(crate) fn list_orgs(
        &self,
        query: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> rusqlite::Result<(Vec<OrgRecord>, i64)> {
        let pattern = query.map(|q| format!("%{q}%"));
        let clause = "WHERE ?1 IS NULL OR id = ?2 OR name LIKE ?1 OR slug LIKE ?1";
        let conn = self.conn();
        let total = conn.query_row(
            &format!("SELECT COUNT(*) FROM organizations {clause}"),
            params![pattern, query],
            |row| row.get(0),
        )?;
        let mut statement = conn.prepare(&format!(
            "SELECT {ORG_COLUMNS} FROM organizations {clause}
             ORDER BY created_at DESC, id LIMIT ?3 OFFSET ?4"
        ))?;
        let rows = statement.query_map(params![pattern, query, limit, offset], org_from_row)?;
        Ok((rows.collect::<rusqlite::Result<_>>()?, total))
    }

    /// Deletes the organization with its memberships and invitations and clears it as the
    /// active organization of sessions; `false` if there was no such organization.
    pub(crate) fn delete_org(&self, id: &str) -> rusqlite::Result<bool> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM organization_memberships WHERE organization_id = ?1",
            params![id],
        )?;
        conn.execute(
            "DELETE FROM organization_invitations WHERE organization_id = ?1",
            params![id],
        )?;
        conn.execute(
            "DELETE FROM session_organizations WHERE organization_id = ?1",
            params![id],
        )?;
        Ok(conn.execute("DELETE FROM organizations WHERE id = ?1", params![id])? > 0)
    }

    /// Adds `user_id` to the organization with `role`; fails with a constraint error when the
    /// user already is a member.
    pub(crate) fn insert_membership(
        &self,
        organization_id: &str,
        user_id: &str,
        role: &str,
        public_metadata: Option<Value>,
        private_metadata: Option<Value>,
    ) -> rusqlite::Result<MembershipRecord> {
        let now = now_ms();
        let record = MembershipRecord {
            id: new_id("orgmem"),
            organization_id: organization_id.to_string(),
            user_id: user_id.to_string(),
            role: role.to_string(),
            public_metadata: public_metadata.unwrap_or_else(empty_object),
            private_metadata: private_metadata.unwrap_or_else(empty_object),
            created_at: now,
            updated_at: now,
        };
        self.conn().execute(
            &format!("INSERT INTO organization_memberships ({MEMBERSHIP_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                record.id,
                record.organization_id,
                record.user_id,
                record.role,
                record.public_metadata.to_string(),
                record.private_metadata.to_string(),
                record.created_at,
                record.updated_at,
            ],
        )?;
        Ok(record)
    }

    /// The membership of `user_id` in the organization.
    pub(crate) fn membership(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> rusqlite::Result<Option<MembershipRecord>> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM organization_memberships
             WHERE organization_id = ?1 AND user_id = ?2"
        );
        self.conn()
            .query_row(&sql, params![organization_id, user_id], membership_from_row)
            .optional()
    }

    /// Changes the role of a membership and stamps `updated_at`.
    pub(crate) fn set_membership_role(
        &self,
        membership: &mut MembershipRecord,
        role: &str,
    ) -> rusqlite::Result<()> {
        membership.role = role.to_string();
        membership.updated_at = now_ms();
        self.conn().execute(
            "UPDATE organization_memberships SET role = ?2, updated_at = ?3 WHERE id = ?1",
            params![membership.id, membership.role, membership.updated_at],
        )?;
        Ok(())
    }

    /// Removes the membership of `user_id` and clears the organization as the active one of
    /// the user's sessions; `false` if there was none.
    pub(crate) fn delete_membership(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> rusqlite::Result<bool> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM session_organizations WHERE organization_id = ?1
             AND session_id IN (SELECT id FROM sessions WHERE user_id = ?2)",
            params![organization_id, user_id],
        )?;
        Ok(conn.execute(
            "DELETE FROM organization_memberships WHERE organization_id = ?1 AND user_id = ?2",
            params![organization_id, user_id],
        )? > 0)
    }

    /// Memberships of an organization (oldest first) or of a user (newest first), with the
    /// total count before `limit`/`offset`.
    pub(crate) fn list_memberships(
        &self,
        by: MembershipsOf<'_>,
        limit: i64,
        offset: i64,
    ) -> rusqlite::Result<(Vec<MembershipRecord>, i64)> {
        let (column, order, value) = match by {
            MembershipsOf::Org(id) => ("organization_id", "created_at, id", id),
            MembershipsOf::User(id) => ("user_id", "created_at DESC, id", id),
        };
        let conn = self.conn();
        let total = conn.query_row(
            &format!("SELECT COUNT(*) FROM organization_memberships WHERE {column} = ?1"),
            params![value],
            |row| row.get(0),
        )?;
        let mut statement = conn.prepare(&format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM organization_memberships WHERE {column} = ?1
             ORDER BY {order} LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = statement.query_map(params![value, limit, offset], membership_from_row)?;
        Ok((rows.collect::<rusqlite::Result<_>>()?, total))
    }

    /// Number of members of the organization with `role`.
    pub(crate) fn count_role(&self, organization_id: &str, role: &str) -> rusqlite::Result<i64> {
        self.conn().query_row(
            "SELECT COUNT(*) FROM organization_memberships WHERE organization_id = ?1 AND role = ?2",
            params![organization_id, role],
            |row| row.get(0),
        )
    }

    /// Creates a pending invitation.
    pub(crate) fn insert_invitation(
        &self,
        organization_id: &str,
        email: &str,
        role: &str,
        inviter_user_id: Option<&str>,
    ) -> rusqlite::Result<InvitationRecord> {
        let now = now_ms();
        let record = InvitationRecord {
            id: new_id("orginv"),
            organization_id: organization_id.to_string(),
            email: email.to_string(),
            role: role.to_string(),
            status: "pending".to_string(),
            inviter_user_id: inviter_user_id.map(str::to_string),
            created_at: now,
            updated_at: now,
        };
        self.conn().execute(
            &format!("INSERT INTO organization_invitations ({INVITATION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                record.id,
                record.organization_id,
                record.email,
                record.role,
                record.status,
                record.inviter_user_id,
                record.created_at,
                record.updated_at,
            ],
        )?;
        Ok(record)
    }

    /// The invitation with id `id`.
    pub(crate) fn invitation(&self, id: &str) -> rusqlite::Result<Option<InvitationRecord>> {
        let sql =
            format!("SELECT {INVITATION_COLUMNS} FROM organization_invitations WHERE id = ?1");
        self.conn()
            .query_row(&sql, params![id], invitation_from_row)
            .optional()
    }

    /// Invitations of an organization or to an email address, optionally with one status,
    /// newest first.
    pub(crate) fn list_invitations(
        &self,
        by: InvitationsOf<'_>,
        status: Option<&str>,
    ) -> rusqlite::Result<Vec<InvitationRecord>> {
        let (column, value) = match by {
            InvitationsOf::Org(id) => ("organization_id", id),
            InvitationsOf::Email(email) => ("email", email),
        };
        let conn = self.conn();
        let mut statement = conn.prepare(&format!(
            "SELECT {INVITATION_COLUMNS} FROM organization_invitations
             WHERE {column} = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY created_at DESC, id"
        ))?;
        let rows = statement.query_map(params![value, status], invitation_from_row)?;
        rows.collect()
    }

    /// Sets an invitation's status and stamps `updated_at`.
    pub(crate) fn set_invitation_status(
        &self,
        invitation: &mut InvitationRecord,
        status: &str,
    ) -> rusqlite::Result<()> {
        invitation.status = status.to_string();
        invitation.updated_at = now_ms();
        self.conn().execute(
            "UPDATE organization_invitations SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![invitation.id, invitation.status, invitation.updated_at],
        )?;
        Ok(())
    }

    /// The active organization of a session (`None`: the personal account).
    pub(crate) fn session_org(&self, session_id: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT organization_id FROM session_organizations WHERE session_id = ?1",
                params![session_id],
                |row| row.get(0),
            )
            .optional()
    }

    /// Sets (or with `None` clears) the active organization of a session.
    pub(crate) fn set_session_org(
        &self,
        session_id: &str,
        organization_id: Option<&str>,
    ) -> rusqlite::Result<()> {
        let conn = self.conn();
        match organization_id {
            Some(org) => conn.execute(
                "INSERT INTO session_organizations (session_id, organization_id) VALUES (?1, ?2)
                 ON CONFLICT(session_id) DO UPDATE SET organization_id = excluded.organization_id",
                params![session_id, org],
            )?,
            None => conn.execute(
                "DELETE FROM session_organizations WHERE session_id = ?1",
                params![session_id],
            )?,
        };
        Ok(())
    }
}

/// Whose memberships [`Store::list_memberships`] lists.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MembershipsOf<'a> {
    /// The members of an organization.
    Org(&'a str),
    /// The organizations of a user.
    User(&'a str),
}

/// Whose invitations [`Store::list_invitations`] lists.
#[derive(Debug, Clone, Copy)]
pub(crate) enum InvitationsOf<'a> {
    /// Sent by an organization.
    Org(&'a str),
    /// Sent to an email address.
    Email(&'a str),
}
