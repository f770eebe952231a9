//! Clients (one per browser, identified by the instance's own cookie) with their in-progress
//! sign-in / sign-up, and sessions.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::database::Store;
use crate::util::{new_id, now_ms, random_token};

const DAY_MS: i64 = 86_400_000;

/// A sign-in in progress on a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SignInAttempt {
    pub id: String,
    pub identifier: String,
    pub user_id: String,
    /// `needs_first_factor` or `complete`.
    pub status: String,
    pub first_factor_verified: bool,
    pub created_session_id: Option<String>,
    pub created_at: i64,
}

/// A sign-up in progress on a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SignUpAttempt {
    pub id: String,
    /// `missing_requirements` or `complete`.
    pub status: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub unsafe_metadata: Option<Value>,
    pub code: Option<String>,
    pub code_expires_at: Option<i64>,
    pub code_attempts: u32,
    pub email_verified: bool,
    pub created_user_id: Option<String>,
    pub created_session_id: Option<String>,
    pub created_at: i64,
}

/// A browser client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ClientRecord {
    pub id: String,
    pub last_active_session_id: Option<String>,
    pub sign_in: Option<SignInAttempt>,
    pub sign_up: Option<SignUpAttempt>,
    /// The dev-browser token handed out for this client (`__clerk_db_jwt`).
    pub dev_browser: String,
    /// Epoch seconds of the last sign-in/out (`__client_uat`).
    pub updated_at_secs: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A session of a user on a client.
#[derive(Debug, Clone)]
pub(crate) struct SessionRecord {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    /// `active`, `ended`, `removed` or `expired`.
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_active_at: i64,
    pub expire_at: i64,
    pub abandon_at: i64,
}

impl SessionRecord {
    /// Active and not past its expiry.
    pub(crate) fn is_active(&self) -> bool {
        self.status == "active" && self.expire_at > now_ms()
    }
}

const SESSION_COLUMNS: &str = "id, client_id, user_id, status, created_at, updated_at, \
     last_active_at, expire_at, abandon_at";

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: row.get(0)?,
        client_id: row.get(1)?,
        user_id: row.get(2)?,
        status: row.get(3)?,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
        last_active_at: row.get(6)?,
        expire_at: row.get(7)?,
        abandon_at: row.get(8)?,
    })
}

fn to_text(client: &ClientRecord) -> String {
    serde_json::to_string(client).unwrap_or_default()
}

impl Store {
    /// Creates and stores a fresh client; beyond `max_clients` stored clients, deletes the
    /// oldest ones without an active session (anyone can create clients).
    pub(crate) fn create_client(&self, max_clients: usize) -> rusqlite::Result<ClientRecord> {
        let now = now_ms();
        let client = ClientRecord {
            id: format!("client_{}", random_token(32)),
            last_active_session_id: None,
            sign_in: None,
            sign_up: None,
            dev_browser: format!("dvb_{}", random_token(32)),
            updated_at_secs: 0,
            created_at: now,
            updated_at: now,
        };
        let conn = self.conn();
        conn.execute(
            "INSERT INTO clients (id, data) VALUES (?1, ?2)",
            params![client.id, to_text(&client)],
        )?;
        conn.execute(
            "DELETE FROM clients WHERE rowid IN (
                 SELECT rowid FROM clients
                 WHERE id != ?2
                   AND id NOT IN (SELECT client_id FROM sessions WHERE status = 'active')
                 ORDER BY rowid
                 LIMIT max(0, (SELECT count(*) FROM clients) - ?1))",
            params![max_clients as i64, client.id],
        )?;
        Ok(client)
    }

    /// The client with id `id`.
    pub(crate) fn client(&self, id: &str) -> rusqlite::Result<Option<ClientRecord>> {
        let text: Option<String> = self
            .conn()
            .query_row(
                "SELECT data FROM clients WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Writes the client back, stamping `updated_at`.
    pub(crate) fn save_client(&self, client: &mut ClientRecord) -> rusqlite::Result<()> {
        client.updated_at = now_ms();
        self.conn().execute(
            "UPDATE clients SET data = ?2 WHERE id = ?1",
            params![client.id, to_text(client)],
        )?;
        Ok(())
    }

    /// Deletes the client and ends its sessions.
    pub(crate) fn delete_client(&self, id: &str) -> rusqlite::Result<()> {
        self.end_client_sessions(id, "ended")?;
        self.conn()
            .execute("DELETE FROM clients WHERE id = ?1", params![id])?;
        Ok(())
    }

    /// Starts an active session for `user_id` on `client_id` (7-day lifetime).
    pub(crate) fn create_session(
        &self,
        client_id: &str,
        user_id: &str,
    ) -> rusqlite::Result<SessionRecord> {
        let now = now_ms();
        let session = SessionRecord {
            id: new_id("sess"),
            client_id: client_id.to_string(),
            user_id: user_id.to_string(),
            status: "active".to_string(),
            created_at: now,
            updated_at: now,
            last_active_at: now,
            expire_at: now + 7 * DAY_MS,
            abandon_at: now + 30 * DAY_MS,
        };
        self.conn().execute(
            &format!("INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                session.id,
                session.client_id,
                session.user_id,
                session.status,
                session.created_at,
                session.updated_at,
                session.last_active_at,
                session.expire_at,
                session.abandon_at,
            ],
        )?;
        Ok(session)
    }

    /// The session with id `id`.
    pub(crate) fn session(&self, id: &str) -> rusqlite::Result<Option<SessionRecord>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1");
        self.conn()
            .query_row(&sql, params![id], session_from_row)
            .optional()
    }

    /// The client's sessions that are still active, oldest first.
    pub(crate) fn active_sessions(&self, client_id: &str) -> rusqlite::Result<Vec<SessionRecord>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE client_id = ?1 AND status = 'active'
             ORDER BY created_at"
        );
        let conn = self.conn();
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(params![client_id], session_from_row)?;
        let sessions: rusqlite::Result<Vec<_>> = rows.collect();
        Ok(sessions?
            .into_iter()
            .filter(SessionRecord::is_active)
            .collect())
    }

    /// Sets the session's status (`ended`, `removed`) or refreshes `last_active_at` (`active`).
    pub(crate) fn set_session_status(&self, id: &str, status: &str) -> rusqlite::Result<()> {
        let now = now_ms();
        self.conn().execute(
            "UPDATE sessions SET status = ?2, updated_at = ?3, last_active_at = ?3 WHERE id = ?1",
            params![id, status, now],
        )?;
        Ok(())
    }

    /// Gives every active session of the client the status `status`.
    pub(crate) fn end_client_sessions(
        &self,
        client_id: &str,
        status: &str,
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE sessions SET status = ?2, updated_at = ?3
             WHERE client_id = ?1 AND status = 'active'",
            params![client_id, status, now_ms()],
        )?;
        Ok(())
    }

    /// The user's active sessions on every client, oldest first.
    pub(crate) fn user_sessions(&self, user_id: &str) -> rusqlite::Result<Vec<SessionRecord>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1 AND status = 'active'
             ORDER BY created_at"
        );
        let conn = self.conn();
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(params![user_id], session_from_row)?;
        let sessions: rusqlite::Result<Vec<_>> = rows.collect();
        Ok(sessions?
            .into_iter()
            .filter(SessionRecord::is_active)
            .collect())
    }
}
