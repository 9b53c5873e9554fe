//! The desk around the demo conversations: agents for each language, a
//! supervisor, two teams and one inbox per channel. Made through the
//! services like any admin would, and found again on a second run.

use crate::Result;
use crate::agents::service::{self as agents, NewUser};
use crate::agents::{Role, Viewer};
use crate::inboxes::InboxKind;
use crate::inboxes::service::{self as inboxes, NewInbox};
use crate::state::AppState;

use super::phrases::BANKS;
use super::rows::{Agent, Setup};

/// (name, address, language, also in billing)
const AGENTS: &[(&str, &str, &str, bool)] = &[
    (
        "Oliver Bennett",
        "oliver.bennett@tend-demo.example",
        "en",
        true,
    ),
    ("Chloe Adams", "chloe.adams@tend-demo.example", "en", false),
    ("Priya Shah", "priya.shah@tend-demo.example", "en", false),
    ("山口結衣", "yui.yamaguchi@tend-demo.example", "ja", true),
    ("森田健", "ken.morita@tend-demo.example", "ja", false),
    ("小川美穂", "miho.ogawa@tend-demo.example", "ja", false),
    ("한지은", "jieun.han@tend-demo.example", "ko", true),
    ("오준호", "junho.oh@tend-demo.example", "ko", false),
    ("배수연", "sooyeon.bae@tend-demo.example", "ko", false),
    (
        "Elīna Kalniņa",
        "elina.kalnina@tend-demo.example",
        "lv",
        true,
    ),
    (
        "Artūrs Ozoliņš",
        "arturs.ozolins@tend-demo.example",
        "lv",
        false,
    ),
    ("Ieva Sproģe", "ieva.sproge@tend-demo.example", "lv", false),
    ("Marta Vilaró", "marta.vilaro@tend-demo.example", "ca", true),
    ("Pere Casals", "pere.casals@tend-demo.example", "ca", false),
    ("Núria Bosch", "nuria.bosch@tend-demo.example", "ca", false),
];
const SUPERVISOR: (&str, &str) = ("Alex Morgan", "alex.morgan@tend-demo.example");
const SUPPORT_TEAM: &str = "Support";
const BILLING_TEAM: &str = "Billing & refunds";
const EMAIL_ADDRESS: &str = "support@tend-demo.example";

async fn user(st: &AppState, name: &str, email: &str, role: Role) -> Result<i64> {
    match agents::user_by_email(st, email).await {
        Ok(u) => Ok(u.id),
        Err(crate::Error::NotFound(_)) => {
            let new = NewUser {
                email: email.into(),
                name: name.into(),
                role,
                password: None,
            };
            Ok(agents::create_user(st, &Viewer::system(), new).await?.id)
        }
        Err(e) => Err(e),
    }
}

async fn team(st: &AppState, name: &str) -> Result<i64> {
    let system = Viewer::system();
    match agents::list_teams(st, &system)
        .await?
        .into_iter()
        .find(|t| t.name == name)
    {
        Some(t) => Ok(t.id),
        None => Ok(agents::create_team(st, &system, name).await?.id),
    }
}

async fn inbox(st: &AppState, kind: InboxKind, name: &str, address: Option<&str>) -> Result<i64> {
    let system = Viewer::system();
    let found = inboxes::list_inboxes(st, &system)
        .await?
        .into_iter()
        .find(|i| i.kind == kind && i.name == name && i.address.as_deref() == address);
    match found {
        Some(i) => Ok(i.id),
        None => Ok(inboxes::create_inbox(
            st,
            &system,
            NewInbox {
                kind,
                name: Some(name.into()),
                address: address.map(str::to_string),
                imap_url: None,
                ack_enabled: false,
                imap_after: Default::default(),
                imap_move_to: None,
            },
        )
        .await?
        .id),
    }
}

/// What a demo agent may carry at once, per channel.
const CAPACITY: [(&str, u32); 5] = [
    ("email", 12),
    ("chat", 3),
    ("web", 8),
    ("api", 8),
    ("portal", 8),
];

/// Lets the demo's people sign in with `password`, routes each inbox to
/// Support (least loaded, language first), and gives every agent a
/// capacity and the languages they answer in.
async fn open_for_work(
    st: &AppState,
    setup: &Setup,
    password: &str,
    inboxes: [i64; 3],
    support: i64,
) -> Result<()> {
    let system = Viewer::system();
    let hash = crate::agents::password::hash(password).await?;
    let people: Vec<i64> = setup
        .agents
        .iter()
        .map(|a| a.id)
        .chain([setup.supervisor_id])
        .collect();
    st.db
        .write(move |c| {
            Box::pin(async move {
                for id in people {
                    crate::agents::password::set_hash_in(c, id, &hash).await?;
                }
                Ok(())
            })
        })
        .await?;
    for inbox in inboxes {
        let rule = crate::routing::model::InboxRoutingInput {
            team_id: support,
            strategy: None,
            skills_first: true,
            sticky: true,
        };
        crate::routing::service::set_rule(st, &system, inbox, rule).await?;
    }
    for a in &setup.agents {
        let lang = BANKS[a.lang].code;
        let mut languages = vec![lang.to_string()];
        if lang != "en" {
            languages.push("en".into());
        }
        let profile = crate::routing::model::RoutingProfileInput {
            capacity: Some(CAPACITY.iter().map(|(k, n)| (k.to_string(), *n)).collect()),
            languages: Some(languages),
            skills: None,
        };
        crate::routing::service::update_profile(st, &system, a.id, profile).await?;
    }
    Ok(())
}

/// The demo people's addresses (supervisor first), for the sign-in hint.
pub fn addresses() -> Vec<&'static str> {
    std::iter::once(SUPERVISOR.1)
        .chain(AGENTS.iter().map(|a| a.1))
        .collect()
}

/// Creates (or finds) the demo desk; its people sign in with `password`.
pub async fn prepare(st: &AppState, password: &str) -> Result<Setup> {
    let system = Viewer::system();
    let default_inbox = inboxes::ensure_default_inbox(st).await?;
    let email_inbox = inbox(st, InboxKind::Email, "Support email", Some(EMAIL_ADDRESS)).await?;
    let chat_inbox = inbox(st, InboxKind::Chat, "Website chat", None).await?;
    let web_inbox = inbox(st, InboxKind::Web, "Help centre form", None).await?;
    let support = team(st, SUPPORT_TEAM).await?;
    let billing = team(st, BILLING_TEAM).await?;
    for t in [support, billing] {
        for i in [default_inbox, email_inbox, chat_inbox, web_inbox] {
            agents::change_team(st, &system, t, agents::TeamChange::GrantInbox(i)).await?;
        }
    }
    let supervisor_id = user(st, SUPERVISOR.0, SUPERVISOR.1, Role::Supervisor).await?;
    agents::change_team(
        st,
        &system,
        support,
        agents::TeamChange::AddMember(supervisor_id),
    )
    .await?;
    let mut list = Vec::with_capacity(AGENTS.len());
    for (name, email, lang, in_billing) in AGENTS {
        let id = user(st, name, email, Role::Agent).await?;
        agents::change_team(st, &system, support, agents::TeamChange::AddMember(id)).await?;
        if *in_billing {
            agents::change_team(st, &system, billing, agents::TeamChange::AddMember(id)).await?;
        }
        list.push(Agent {
            id,
            name: (*name).to_string(),
            lang: BANKS.iter().position(|b| b.code == *lang).unwrap_or(0),
            team_id: support,
            billing: *in_billing,
        });
    }
    let setup = Setup {
        agents: list,
        supervisor_id,
        billing_team_id: billing,
        default_inbox,
        email_inbox,
        chat_inbox,
        web_inbox,
    };
    open_for_work(
        st,
        &setup,
        password,
        [email_inbox, chat_inbox, web_inbox],
        support,
    )
    .await?;
    Ok(setup)
}
