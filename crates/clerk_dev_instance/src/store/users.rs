//! Users table.

use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use serde_json::Value;

use super::database::Store;
use crate::util::{new_id, now_ms};

/// A stored user.
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub id: String,
    pub email_id: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub external_id: Option<String>,
    pub public_metadata: Value,
    pub private_metadata: Value,
    pub unsafe_metadata: Value,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_sign_in_at: Option<i64>,
}

/// Fields of a user to create.
#[derive(Debug, Default)]
pub(crate) struct NewUser {
    pub email: String,
    pub password_hash: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub external_id: Option<String>,
    pub public_metadata: Option<Value>,
    pub private_metadata: Option<Value>,
    pub unsafe_metadata: Option<Value>,
}

/// Filters of the BAPI user list.
#[derive(Debug, Default)]
pub(crate) struct UserQuery {
    pub emails: Vec<String>,
    pub query: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

const COLUMNS: &str = "id, email, email_id, password_hash, first_name, last_name, external_id, \
     public_metadata, private_metadata, unsafe_metadata, created_at, updated_at, last_sign_in_at";

fn json_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Value> {
    let text: String = row.get(index)?;
    Ok(serde_json::from_str(&text).unwrap_or_else(|_| Value::Object(Default::default())))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: row.get(0)?,
        email: row.get(1)?,
        email_id: row.get(2)?,
        password_hash: row.get(3)?,
        first_name: row.get(4)?,
        last_name: row.get(5)?,
        external_id: row.get(6)?,
        public_metadata: json_column(row, 7)?,
        private_metadata: json_column(row, 8)?,
        unsafe_metadata: json_column(row, 9)?,
        created_at: row.get(10)?,
        updated_at: row.get(11)?,
        last_sign_in_at: row.get(12)?,
    })
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// Builds the WHERE clause and its parameters for a [`UserQuery`].
fn filter(query: &UserQuery) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    if !query.emails.is_empty() {
        let marks = vec!["?"; query.emails.len()].join(", ");
        clauses.push(format!("email IN ({marks})"));
        values.extend(query.emails.iter().cloned());
    }
    if let Some(text) = query.query.as_deref().filter(|q| !q.is_empty()) {
        clauses
            .push("(email LIKE ? OR first_name LIKE ? OR last_name LIKE ? OR id = ?)".to_string());
        let pattern = format!("%{text}%");
        values.extend([pattern.clone(), pattern.clone(), pattern, text.to_string()]);
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (clause, values)
}

impl Store {
    /// Inserts a new user; fails with a constraint error if the email is taken.
    pub(crate) fn insert_user(&self, user: NewUser) -> rusqlite::Result<UserRecord> {
        let now = now_ms();
        let record = UserRecord {
            id: new_id("user"),
            email_id: new_id("idn"),
            email: user.email,
            password_hash: user.password_hash,
            first_name: user.first_name,
            last_name: user.last_name,
            external_id: user.external_id,
            public_metadata: user.public_metadata.unwrap_or_else(empty_object),
            private_metadata: user.private_metadata.unwrap_or_else(empty_object),
            unsafe_metadata: user.unsafe_metadata.unwrap_or_else(empty_object),
            created_at: now,
            updated_at: now,
            last_sign_in_at: None,
        };
        self.conn().execute(
            &format!("INSERT INTO users ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
            params![
                record.id,
                record.email,
                record.email_id,
                record.password_hash,
                record.first_name,
                record.last_name,
                record.external_id,
                record.public_metadata.to_string(),
                record.private_metadata.to_string(),
                record.unsafe_metadata.to_string(),
                record.created_at,
                record.updated_at,
                record.last_sign_in_at,
            ],
        )?;
        Ok(record)
    }

    /// Writes every mutable field of `user` back, stamping `updated_at`.
    pub(crate) fn save_user(&self, user: &mut UserRecord) -> rusqlite::Result<()> {
        user.updated_at = now_ms();
        self.conn().execute(
            "UPDATE users SET password_hash = ?2, first_name = ?3, last_name = ?4, external_id = ?5,
             public_metadata = ?6, private_metadata = ?7, unsafe_metadata = ?8, updated_at = ?9,
             last_sign_in_at = ?10 WHERE id = ?1",
            params![
                user.id,
                user.password_hash,
                user.first_name,
                user.last_name,
                user.external_id,
                user.public_metadata.to_string(),
                user.private_metadata.to_string(),
                user.unsafe_metadata.to_string(),
                user.updated_at,
                user.last_sign_in_at,
            ],
        )?;
        Ok(())
    }

    /// The user with id `id`.
    pub(crate) fn user(&self, id: &str) -> rusqlite::Result<Option<UserRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
        self.conn()
            .query_row(&sql, params![id], from_row)
            .optional()
    }

    /// The user owning `email` (case-insensitive).
    pub(crate) fn user_by_email(&self, email: &str) -> rusqlite::Result<Option<UserRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email = ?1");
        self.conn()
            .query_row(&sql, params![email.trim()], from_row)
            .optional()
    }

    /// Users matching `query`, newest first.
    pub(crate) fn list_users(&self, query: &UserQuery) -> rusqlite::Result<Vec<UserRecord>> {
        let (clause, mut values) = filter(query);
        values.push(query.limit.to_string());
        values.push(query.offset.to_string());
        let sql = format!(
            "SELECT {COLUMNS} FROM users {clause} ORDER BY created_at DESC, id LIMIT ? OFFSET ?"
        );
        let conn = self.conn();
        let mut statement = conn.prepare(&sql)?;
        let rows = statement.query_map(params_from_iter(values.iter()), from_row)?;
        rows.collect()
    }

    /// Number of users matching `query` (limit/offset ignored).
    pub(crate) fn count_users(&self, query: &UserQuery) -> rusqlite::Result<i64> {
        let (clause, values) = filter(query);
        let sql = format!("SELECT COUNT(*) FROM users {clause}");
        self.conn()
            .query_row(&sql, params_from_iter(values.iter()), |row| row.get(0))
    }

    /// Deletes the user, its sessions and organization memberships; `false` if there was no such user.
    pub(crate) fn delete_user(&self, id: &str) -> rusqlite::Result<bool> {
        let conn = self.conn();
        conn.execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
        conn.execute(
            "DELETE FROM organization_memberships WHERE user_id = ?1",
            params![id],
        )?;
        Ok(conn.execute("DELETE FROM users WHERE id = ?1", params![id])? > 0)
    }
}
