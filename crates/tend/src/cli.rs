//! The `tend` command line: `serve`, `migrate`, `admin …`, `demo seed`,
//! `reports rebuild`.
//! Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::Error;
use crate::agents::service::TeamChange;
use crate::agents::{Role, Viewer};
use crate::config::{Config, ConfigError};
use crate::inboxes::InboxKind;

/// Tend: a self-hosted customer-service desk.
#[derive(Debug, Parser)]
#[command(name = "tend", version, about)]
pub struct Cli {
    /// Configuration file (also `TEND_CONFIG`); every key can be set by a
    /// `TEND_*` environment variable, which wins.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run everything: HTTP (API, UI), channels and background jobs.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild this node's search index from the database (stop `tend serve` first).
    Reindex,
    /// Manage users, tokens, inboxes and teams.
    #[command(subcommand)]
    Admin(Admin),
    /// Demo data.
    #[command(subcommand)]
    Demo(Demo),
    /// The reports' store.
    #[command(subcommand)]
    Reports(Reports),
}

/// `tend reports …`.
#[derive(Debug, Subcommand)]
pub enum Reports {
    /// Forget the report figures and measure every conversation again from
    /// the event log, with a progress bar (a running `tend serve` goes on
    /// following new events meanwhile).
    Rebuild,
}

/// `tend admin …`.
#[derive(Debug, Subcommand)]
pub enum Admin {
    /// Create an agent account; prints its id.
    CreateUser {
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin, supervisor or agent.
        #[arg(long, value_parser = ["admin", "supervisor", "agent"])]
        role: String,
        /// Read a password for the web sign-in from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create an API token for a user; prints only the token.
    CreateToken {
        /// The user's address.
        #[arg(long)]
        email: String,
        /// A label for the token.
        #[arg(long)]
        name: Option<String>,
    },
    /// Create an inbox; prints its id.
    CreateInbox {
        /// email, chat, web, api, telegram or whatsapp.
        #[arg(long, value_parser = ["email", "chat", "web", "api", "telegram", "whatsapp"])]
        kind: String,
        /// The inbox address (email inboxes).
        #[arg(long)]
        address: Option<String>,
        /// imap://user:pass@host:port/MAILBOX or imaps://… to watch (IDLE or polling).
        #[arg(long)]
        imap_url: Option<String>,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Acknowledge each new email conversation to the customer.
        #[arg(long)]
        acknowledge: bool,
        /// What to do to a mailbox message once it is stored: leave it, mark it
        /// seen, or move it to --imap-move-to.
        #[arg(long, value_parser = ["leave", "seen", "move"], default_value = "leave")]
        imap_after: String,
        /// The folder to move messages to (with --imap-after move); created
        /// when missing.
        #[arg(long)]
        imap_move_to: Option<String>,
    },
    /// Create a team; prints its id.
    CreateTeam {
        /// Unique name.
        #[arg(long)]
        name: String,
    },
    /// Add an agent to a team.
    AddMember {
        /// Team id.
        #[arg(long)]
        team: i64,
        /// The agent's address.
        #[arg(long)]
        email: String,
    },
    /// Let a team's agents see and work an inbox.
    GrantInbox {
        /// Team id.
        #[arg(long)]
        team: i64,
        /// Inbox id.
        #[arg(long)]
        inbox: i64,
    },
}

/// `tend demo …`.
#[derive(Debug, Subcommand)]
pub enum Demo {
    /// Fill the database with multilingual demo data.
    Seed {
        /// How many conversations to create.
        #[arg(long, default_value_t = 1000)]
        conversations: u64,
        /// Messages per conversation, on average.
        #[arg(long, default_value_t = 5)]
        messages_per_conversation: u64,
        /// Leave the search index to `tend serve` (by default the seed
        /// brings it up to date, with a progress bar, so that the first
        /// start is light).
        #[arg(long)]
        no_index: bool,
        /// The password the demo's agents and supervisor sign in with
        /// (at least 8 characters; a random one, printed, when absent).
        #[arg(long)]
        password: Option<String>,
    },
}

/// A failure and the exit code it maps to.
enum Failure {
    Usage(String),
    Runtime(String),
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::Usage(e.to_string())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        match e.downcast_ref::<ConfigError>() {
            Some(c) => Failure::Usage(c.to_string()),
            None => Failure::Runtime(format!("{e:#}")),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match &e {
            Error::Invalid { field, message } => {
                Failure::Usage(format!("invalid --{}: {message}", field.replace('_', "-")))
            }
            Error::NotFound(what) => Failure::Usage(format!("no such {what}")),
            _ => Failure::Runtime(e.to_string()),
        }
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let result = run_inner(cli).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("tend: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(m)) => {
            eprintln!("tend: {m}");
            ExitCode::from(1)
        }
    }
}

async fn run_inner(cli: Cli) -> Result<(), Failure> {
    let config = Config::load(cli.config.as_deref())?;
    crate::telemetry::init(config.log_format);
    match cli.command {
        Command::Serve => crate::app::serve(config).await?,
        Command::Migrate => {
            crate::app::open(config).await?;
            eprintln!("tend: migrations applied");
        }
        Command::Reindex => crate::search::reindex(crate::app::open(config).await?).await?,
        Command::Admin(a) => admin(config, a).await?,
        Command::Reports(Reports::Rebuild) => {
            let st = crate::app::open(config).await?;
            rebuild_reports(&st).await?;
            st.db.close().await;
        }
        Command::Demo(Demo::Seed {
            conversations,
            messages_per_conversation,
            no_index,
            password,
        }) => {
            let password = password
                .unwrap_or_else(|| crate::agents::service::random_token("demo-")[..17].to_string());
            crate::agents::password::check_strength(&password)
                .map_err(|e| Failure::Usage(format!("--password: {e}")))?;
            let st = crate::app::open(config).await?;
            crate::demo::seed(&st, conversations, messages_per_conversation, &password).await?;
            if !no_index {
                crate::search::catch_up(&st).await?;
            }
            rebuild_reports(&st).await?;
        }
    }
    Ok(())
}

/// Measures every conversation again for the reports, with a progress bar.
async fn rebuild_reports(st: &crate::state::AppState) -> Result<(), Failure> {
    let total = crate::reports::projection::conversations(st).await?;
    let bar = crate::telemetry::progress_bar("conversations measured", total);
    crate::reports::projection::rebuild(st, |done| bar.set_position(done)).await?;
    bar.finish();
    Ok(())
}

async fn admin(config: Config, cmd: Admin) -> Result<(), Failure> {
    let st = crate::app::open(config).await?;
    let system = Viewer::system();
    match cmd {
        Admin::CreateUser {
            email,
            name,
            role,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| {
                    Failure::Usage(format!("cannot read the password from standard input: {e}"))
                })?;
                Some(s.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let role = Role::parse(&role)?;
            let user = crate::agents::service::create_user(
                &st,
                &system,
                crate::agents::service::NewUser {
                    email,
                    name,
                    role,
                    password,
                },
            )
            .await?;
            println!("{}", user.id);
        }
        Admin::CreateToken { email, name } => {
            let user = crate::agents::service::user_by_email(&st, &email).await?;
            let t = crate::agents::service::create_token(
                &st,
                &system,
                user.id,
                name.as_deref().unwrap_or("cli"),
            )
            .await?;
            println!("{}", t.token);
        }
        Admin::CreateInbox {
            kind,
            address,
            imap_url,
            name,
            acknowledge,
            imap_after,
            imap_move_to,
        } => {
            let inbox = crate::inboxes::service::create_inbox(
                &st,
                &system,
                crate::inboxes::service::NewInbox {
                    kind: InboxKind::parse(&kind)?,
                    name,
                    address,
                    imap_url,
                    ack_enabled: acknowledge,
                    imap_after: crate::inboxes::model::ImapAfter::parse(&imap_after)?,
                    imap_move_to,
                },
            )
            .await?;
            println!("{}", inbox.id);
        }
        Admin::CreateTeam { name } => {
            let team = crate::agents::service::create_team(&st, &system, &name).await?;
            println!("{}", team.id);
        }
        Admin::AddMember { team, email } => {
            let user = crate::agents::service::user_by_email(&st, &email).await?;
            crate::agents::service::change_team(&st, &system, team, TeamChange::AddMember(user.id))
                .await?;
        }
        Admin::GrantInbox { team, inbox } => {
            crate::agents::service::change_team(&st, &system, team, TeamChange::GrantInbox(inbox))
                .await?;
        }
    }
    st.db.close().await;
    Ok(())
}
