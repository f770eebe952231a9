//! The dev mailbox: verification codes the instance "sent", shown on the `/dev` page.

use rusqlite::params;

use super::Store;
use crate::util::now_ms;

/// One "sent" message.
#[derive(Debug, Clone)]
pub(crate) struct MailboxEntry {
    pub email: String,
    pub code: String,
    pub purpose: String,
    pub created_at: i64,
}

impl Store {
    /// Records a code sent to `email`.
    pub(crate) fn deliver_code(
        &self,
        email: &str,
        code: &str,
        purpose: &str,
    ) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO mailbox (email, code, purpose, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![email, code, purpose, now_ms()],
        )?;
        Ok(())
    }

    /// The `limit` most recent messages, newest first.
    pub(crate) fn recent_mail(&self, limit: i64) -> rusqlite::Result<Vec<MailboxEntry>> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT email, code, purpose, created_at FROM mailbox ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = statement.query_map(params![limit], |row| {
            Ok(MailboxEntry {
                email: row.get(0)?,
                code: row.get(1)?,
                purpose: row.get(2)?,
                created_at: row.get(3)?,
            })
        })?;
        rows.collect()
    }
}
