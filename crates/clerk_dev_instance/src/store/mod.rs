//! SQLite persistence (`data_dir/instance.sqlite3`): users, clients, sessions, organizations
//! with their memberships and invitations, the mailbox of verification codes and instance
//! metadata such as the secret key.

mod clients;
mod database;
mod mailbox;
mod orgs;
mod users;

pub(crate) use clients::{ClientRecord, SessionRecord, SignInAttempt, SignUpAttempt};
pub(crate) use database::Store;
pub(crate) use orgs::{
    InvitationRecord, InvitationsOf, MembershipRecord, MembershipsOf, NewOrg, OrgRecord,
};
pub(crate) use users::{NewUser, UserQuery, UserRecord};
