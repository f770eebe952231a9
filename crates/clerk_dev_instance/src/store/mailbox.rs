//! The dev mailbox: verification codes the instance "sent", shown on the `/dev` page.

use rusqlite::params;

use super::database::Store;
use crate::util::now_ms;

/// Messages kept; older ones are deleted (anyone can ask for a code to be "sent").
const KEEP: i64 = 1_000;

/// One "sent" message.
#[derive(Debug, Clone)]
pub(crate) struct MailboxEntry {
    pub email: String,
    pub code: String,
    pub purpose: String,
    pub created_at: i64,
}

impl Store {
    /// Records a code sent to `email`, keeping the newest [`KEEP`] messages.
    pub(crate) fn deliver_code(
        &self,
        email: &str,
        code: &str,
        purpose: &str,
    ) -> rusqlite::Result<()> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO mailbox (email, code, purpose, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![email, code, purpose, now_ms()],
        )?;
        conn.execute(
            "DELETE FROM mailbox WHERE id <= (SELECT max(id) FROM mailbox) - ?1",
            params![KEEP],
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
