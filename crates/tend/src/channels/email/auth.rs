//! Sender authentication of inbound mail: SPF, DKIM and DMARC with
//! `mail-auth` over a hickory resolver (the system's, or the servers of
//! `dns_resolver`).
//!
//! - **SPF** needs the connecting IP address and HELO name, which only the
//!   SMTP receiver has. Mail from IMAP or the inbound webhook has passed
//!   through other servers first; their `Received` headers cannot be told
//!   apart from forged ones without knowing which hop is the receiving MTA,
//!   so SPF is `unavailable` for it, never guessed.
//! - **DKIM** is checked for every signature; the message passes when one
//!   verifies.
//! - **DMARC** is evaluated for the From domain with those results (for
//!   IMAP and webhook mail, DKIM alone can align). A From that `mail-auth`
//!   reads differently from Tend's parser (several From domains, none
//!   found) is a DMARC `fail`: the check must be about the address the
//!   conversation is attributed to.
//!
//! Lookups never hold up other mail: each message's checks run on its own
//! task's time (concurrently: DKIM and SPF together), answers are cached by
//! their TTL in the resolver, one lookup gives up after
//! [`LOOKUP_TIMEOUT`] and a whole check after [`CHECK_TIMEOUT`], which
//! reads as `temperror` (never a failure).

use std::net::IpAddr;
use std::time::Duration;

use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{
    AuthenticatedMessage, DkimOutput, DkimResult, DmarcResult, MessageAuthenticator, SpfOutput,
    SpfResult,
};

use crate::config::{DnsResolver, MailAuthConfig};
use crate::conversations::model::{AuthVerdict, MailAuth};

/// How long one DNS query may take.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the checks of one message may take altogether.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// What the SMTP receiver knows of the client that delivered a message.
#[derive(Debug, Clone)]
pub struct SmtpClient {
    /// The connecting IP address.
    pub ip: IpAddr,
    /// The EHLO/HELO name.
    pub helo: String,
    /// The envelope sender (`MAIL FROM`), empty for bounces.
    pub mail_from: String,
}

/// The checker, shared by every door mail comes through.
#[derive(Clone)]
pub struct SenderAuth {
    checker: Checker,
    /// Our host name, for SPF's `%{r}` macro.
    host: String,
}

#[derive(Clone)]
enum Checker {
    /// Checks turned off: nothing is checked or stored.
    Off,
    /// Checks on, but no resolver could be built (why): every check is a
    /// temporary error, so nothing is blocked and agents see why not.
    Unusable(String),
    On(Box<MessageAuthenticator>),
}

impl std::fmt::Debug for SenderAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.checker {
            Checker::Off => "off",
            Checker::Unusable(_) => "unusable",
            Checker::On(_) => "on",
        };
        f.debug_struct("SenderAuth")
            .field("state", &state)
            .field("host", &self.host)
            .finish()
    }
}

impl SenderAuth {
    /// Builds the checker from the configuration (reads the system's
    /// resolver configuration when asked to use it). A resolver that cannot
    /// be built is logged, and every check then answers `temperror`: the
    /// CLI and the server still start.
    pub fn new(config: &MailAuthConfig, host: &str) -> SenderAuth {
        let checker = if config.enabled {
            match build(&config.resolver) {
                Ok(c) => Checker::On(Box::new(c)),
                Err(why) => {
                    tracing::error!(
                        error = %why,
                        "sender authentication has no DNS resolver; set TEND_DNS_RESOLVER, or \
                         TEND_MAIL_AUTH=off"
                    );
                    Checker::Unusable(why)
                }
            }
        } else {
            Checker::Off
        };
        SenderAuth {
            checker,
            host: host.to_string(),
        }
    }

    /// Checks one raw message whose From address (as Tend read it) is
    /// `from`; `None` when checks are off.
    pub async fn check(
        &self,
        raw: &[u8],
        from: &str,
        client: Option<&SmtpClient>,
    ) -> Option<MailAuth> {
        let domain = from
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase());
        let unchecked = |domain| MailAuth {
            spf: if client.is_some() {
                AuthVerdict::Temperror
            } else {
                AuthVerdict::Unavailable
            },
            dkim: AuthVerdict::Temperror,
            dmarc: AuthVerdict::Temperror,
            domain,
        };
        let checker = match &self.checker {
            Checker::Off => return None,
            Checker::Unusable(why) => {
                tracing::debug!(from, error = %why, "sender authentication unavailable");
                return Some(unchecked(domain));
            }
            Checker::On(c) => c,
        };
        let checked = tokio::time::timeout(
            CHECK_TIMEOUT,
            self.run(checker, raw, domain.as_deref(), client),
        )
        .await;
        Some(match checked {
            Ok(auth) => auth,
            Err(_) => {
                tracing::info!(from, "sender authentication timed out");
                unchecked(domain)
            }
        })
    }

    async fn run(
        &self,
        checker: &MessageAuthenticator,
        raw: &[u8],
        domain: Option<&str>,
        client: Option<&SmtpClient>,
    ) -> MailAuth {
        let domain_owned = domain.map(str::to_string);
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            // No header could be read; Tend's own parser read a From, so
            // nothing can vouch for it.
            return MailAuth {
                spf: AuthVerdict::Unavailable,
                dkim: AuthVerdict::Permerror,
                dmarc: AuthVerdict::Fail,
                domain: domain_owned,
            };
        };
        let spf_check = async {
            match client {
                Some(cl) => {
                    let params = SpfParameters::verify(cl.ip, &cl.helo, &self.host, &cl.mail_from);
                    Some(checker.verify_spf(params).await)
                }
                None => None,
            }
        };
        let (dkim, spf) = tokio::join!(checker.verify_dkim(&message), spf_check);
        // DMARC's SPF half: the envelope domain (the HELO name for bounces);
        // without an SMTP client, SPF takes no part.
        let mail_from_domain = client
            .map(|cl| match cl.mail_from.rsplit_once('@') {
                Some((_, d)) => d.to_string(),
                None => cl.helo.clone(),
            })
            .unwrap_or_else(|| domain_owned.clone().unwrap_or_default());
        let no_spf = SpfOutput::new(mail_from_domain.clone()).with_result(SpfResult::None);
        let spf_output = spf.as_ref().unwrap_or(&no_spf);
        let dmarc = if same_from_domain(&message, domain) {
            dmarc_verdict(
                &checker
                    .verify_dmarc(DmarcParameters::new(
                        &message,
                        &dkim,
                        &mail_from_domain,
                        spf_output,
                    ))
                    .await
                    .result(),
            )
        } else {
            AuthVerdict::Fail
        };
        MailAuth {
            spf: spf
                .map(|s| spf_verdict(s.result()))
                .unwrap_or(AuthVerdict::Unavailable),
            dkim: dkim_verdict(&dkim),
            dmarc,
            domain: domain_owned,
        }
    }
}

/// The resolver for `resolver`, with our timeouts.
fn build(resolver: &DnsResolver) -> Result<MessageAuthenticator, String> {
    let (config, mut opts) = match resolver {
        DnsResolver::System => mail_auth::hickory_resolver::system_conf::read_system_conf()
            .map_err(|e| format!("reading the system's DNS configuration: {e}"))?,
        DnsResolver::Servers(servers) => {
            let name_servers = servers
                .iter()
                .map(|a| {
                    let mut ns = NameServerConfig::udp_and_tcp(a.ip());
                    for conn in &mut ns.connections {
                        conn.port = a.port();
                    }
                    ns
                })
                .collect();
            (
                ResolverConfig::from_name_servers(name_servers),
                ResolverOpts::default(),
            )
        }
    };
    opts.timeout = LOOKUP_TIMEOUT;
    opts.attempts = 1;
    // The names asked are fully qualified; never try search domains first.
    opts.ndots = 0;
    MessageAuthenticator::new(config, opts).map_err(|e| format!("building the DNS resolver: {e}"))
}

/// Whether every From address `mail-auth` found is at `domain`, the domain
/// of the From address Tend attributes the message to.
fn same_from_domain(message: &AuthenticatedMessage<'_>, domain: Option<&str>) -> bool {
    let Some(domain) = domain else { return false };
    let froms = message.froms();
    !froms.is_empty()
        && froms.iter().all(|a| {
            a.rsplit_once('@')
                .is_some_and(|(_, d)| d.trim_end_matches('.').eq_ignore_ascii_case(domain))
        })
}

fn spf_verdict(r: SpfResult) -> AuthVerdict {
    match r {
        SpfResult::Pass => AuthVerdict::Pass,
        SpfResult::Fail => AuthVerdict::Fail,
        SpfResult::SoftFail => AuthVerdict::Softfail,
        SpfResult::Neutral => AuthVerdict::Neutral,
        SpfResult::TempError => AuthVerdict::Temperror,
        SpfResult::PermError => AuthVerdict::Permerror,
        SpfResult::None => AuthVerdict::None,
    }
}

/// One verdict for all signatures: `pass` when one verified, else the most
/// telling of the others.
fn dkim_verdict(outputs: &[DkimOutput<'_>]) -> AuthVerdict {
    let verdict = |o: &DkimOutput<'_>| match o.result() {
        DkimResult::Pass => AuthVerdict::Pass,
        // A body that does not match its signed hash was changed: RFC 6376
        // calls that a failure (mail-auth reports it as neutral).
        DkimResult::Neutral(mail_auth::Error::Dkim(
            mail_auth::dkim::DkimError::FailedBodyHashMatch,
        ))
        | DkimResult::Fail(_) => AuthVerdict::Fail,
        DkimResult::Neutral(_) => AuthVerdict::Neutral,
        DkimResult::TempError(_) => AuthVerdict::Temperror,
        DkimResult::PermError(_) => AuthVerdict::Permerror,
        DkimResult::None => AuthVerdict::None,
    };
    let rank = |v: AuthVerdict| match v {
        AuthVerdict::Pass => 0,
        AuthVerdict::Fail => 1,
        AuthVerdict::Temperror => 2,
        AuthVerdict::Permerror => 3,
        AuthVerdict::Neutral => 4,
        _ => 5,
    };
    outputs
        .iter()
        .map(verdict)
        .min_by_key(|v| rank(*v))
        .unwrap_or(AuthVerdict::None)
}

fn dmarc_verdict(r: &DmarcResult) -> AuthVerdict {
    match r {
        DmarcResult::Pass => AuthVerdict::Pass,
        DmarcResult::Fail(_) => AuthVerdict::Fail,
        DmarcResult::TempError(_) => AuthVerdict::Temperror,
        DmarcResult::PermError(_) => AuthVerdict::Permerror,
        DmarcResult::None => AuthVerdict::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_domains_must_agree_with_tend() {
        let one = b"From: a@Example.com\r\nTo: b@x.test\r\n\r\nhi\r\n";
        let m = AuthenticatedMessage::parse(one).expect("parses");
        assert!(same_from_domain(&m, Some("example.com")));
        assert!(!same_from_domain(&m, Some("other.test")));
        let two = b"From: a@example.com\r\nFrom: b@evil.test\r\n\r\nhi\r\n";
        let m = AuthenticatedMessage::parse(two).expect("parses");
        assert!(!same_from_domain(&m, Some("example.com")));
        let none = b"Subject: x\r\n\r\nhi\r\n";
        let m = AuthenticatedMessage::parse(none).expect("parses");
        assert!(!same_from_domain(&m, Some("example.com")));
    }

    #[test]
    fn no_signature_is_none() {
        assert_eq!(dkim_verdict(&[]), AuthVerdict::None);
    }
}
