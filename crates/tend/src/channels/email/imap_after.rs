//! What a fetch pass does to a mailbox message once it is committed: the
//! inbox's `imap_after` setting (leave it, set `\Seen`, or move it to a
//! folder, created on first use). [`super::imap::fetch_new`] calls
//! [`After::apply`] only after `ingest` returned, and saves the UID after it.

use futures_util::StreamExt as _;

use crate::inboxes::model::ImapAfter;
use crate::state::AppState;

use super::imap::{COMMAND_TIMEOUT, ImapSession, within};
use crate::inboxes::imap_url::{ImapTarget, same_mailbox};

/// Whether an IMAP error is the server refusing a command (the session is
/// still in step) rather than a broken connection or a timeout.
pub(super) fn refused(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<async_imap::error::Error>(),
        Some(async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_))
    )
}

/// What one pass does to each message after its commit, from the inbox's
/// `imap_after` setting (read per pass, so changes apply without a restart).
#[derive(Debug)]
pub(super) enum After {
    Leave,
    Seen,
    Move {
        /// The folder, encoded for the wire (modified UTF-7).
        folder: String,
        /// RFC 6851 MOVE is offered.
        move_cmd: bool,
        /// RFC 4315 UIDPLUS is offered (UID EXPUNGE).
        uidplus: bool,
        /// CREATE was tried this pass (once, after the first refusal).
        create_tried: bool,
    },
}

impl After {
    pub(super) async fn for_inbox(
        st: &AppState,
        inbox_id: i64,
        t: &ImapTarget,
        session: &mut ImapSession,
    ) -> anyhow::Result<After> {
        let (setting, move_to) = crate::inboxes::service::imap_after(st, inbox_id).await?;
        Ok(match (setting, move_to) {
            (ImapAfter::Leave, _) => After::Leave,
            (ImapAfter::Seen, _) => After::Seen,
            (ImapAfter::Move, Some(f)) if !same_mailbox(&f, &t.mailbox) => {
                let caps = within(COMMAND_TIMEOUT, "CAPABILITY", session.capabilities()).await?;
                After::Move {
                    folder: mutf7(&f),
                    move_cmd: caps.has_str("MOVE"),
                    uidplus: caps.has_str("UIDPLUS"),
                    create_tried: false,
                }
            }
            (ImapAfter::Move, f) => {
                // The API refuses both; a URL changed behind its back could
                // still get here. Moving a message into the mailbox it came
                // from would give it a new UID and loop forever.
                tracing::warn!(
                    inbox = inbox_id,
                    folder = f.as_deref().unwrap_or(""),
                    "IMAP: imap_after is move but the folder is missing or is the mailbox \
                     Tend reads; leaving messages where they are"
                );
                After::Leave
            }
        })
    }

    /// Marks or moves one committed message.
    pub(super) async fn apply(
        &mut self,
        session: &mut ImapSession,
        uid: u32,
    ) -> anyhow::Result<()> {
        let set = uid.to_string();
        match self {
            After::Leave => Ok(()),
            After::Seen => store(session, &set, "+FLAGS.SILENT (\\Seen)").await,
            After::Move {
                folder,
                move_cmd,
                uidplus,
                create_tried,
            } => {
                let r = transfer(session, &set, folder, *move_cmd).await;
                match r {
                    Err(e) if refused(&e) && !*create_tried => {
                        // Most likely the folder does not exist yet (Dovecot
                        // says NO [TRYCREATE]): create it once and try again.
                        *create_tried = true;
                        match within(COMMAND_TIMEOUT, "CREATE", session.create(&*folder)).await {
                            Ok(()) => tracing::info!(folder = %folder, "IMAP: created the folder"),
                            // ALREADYEXISTS, or a refusal the retry reports.
                            Err(c) if refused(&c) => {
                                tracing::debug!(folder = %folder, error = format!("{c:#}"), "IMAP CREATE refused");
                            }
                            Err(c) => return Err(c),
                        }
                        transfer(session, &set, folder, *move_cmd).await?;
                    }
                    r => r?,
                }
                if *move_cmd {
                    return Ok(());
                }
                // Without MOVE: the copy is made, now remove the original.
                store(session, &set, "+FLAGS.SILENT (\\Deleted)").await?;
                within(COMMAND_TIMEOUT, "EXPUNGE", async {
                    if *uidplus {
                        let s = session.uid_expunge(&set).await?;
                        let mut s = std::pin::pin!(s);
                        while let Some(r) = s.next().await {
                            r?;
                        }
                    } else {
                        // Also removes anything else flagged \Deleted in the
                        // mailbox (RFC 6851's fallback for servers without
                        // UIDPLUS).
                        let s = session.expunge().await?;
                        let mut s = std::pin::pin!(s);
                        while let Some(r) = s.next().await {
                            r?;
                        }
                    }
                    Ok::<_, async_imap::error::Error>(())
                })
                .await
            }
        }
    }
}

/// `UID MOVE` or `UID COPY` of one message.
async fn transfer(
    session: &mut ImapSession,
    set: &str,
    folder: &str,
    move_cmd: bool,
) -> anyhow::Result<()> {
    if move_cmd {
        within(COMMAND_TIMEOUT, "UID MOVE", session.uid_mv(set, folder)).await
    } else {
        within(COMMAND_TIMEOUT, "UID COPY", session.uid_copy(set, folder)).await
    }
}

/// `UID STORE`, reading (and dropping) whatever FETCH responses come back.
async fn store(session: &mut ImapSession, set: &str, what: &str) -> anyhow::Result<()> {
    within(COMMAND_TIMEOUT, "UID STORE", async {
        let mut s = session.uid_store(set, what).await?;
        while let Some(r) = s.next().await {
            r?;
        }
        Ok::<_, async_imap::error::Error>(())
    })
    .await
}

/// Encodes a mailbox name in modified UTF-7 (RFC 3501 section 5.1.3):
/// printable ASCII stays, `&` becomes `&-`, anything else is UTF-16 in
/// base64 (`,` for `/`, no padding) between `&` and `-`. A name that is
/// already in modified UTF-7 (as one had to write it before Tend encoded
/// names, e.g. `&MLUw3TD8MMg-`) is sent as it is.
pub fn mutf7(name: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    if is_mutf7(name) {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut wide: Vec<u8> = Vec::new();
    let flush = |wide: &mut Vec<u8>, out: &mut String| {
        if !wide.is_empty() {
            out.push('&');
            out.push_str(&engine.encode(&*wide).replace('/', ","));
            out.push('-');
            wide.clear();
        }
    };
    for ch in name.chars() {
        if (' '..='~').contains(&ch) {
            flush(&mut wide, &mut out);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut buf = [0u16; 2];
            for u in ch.encode_utf16(&mut buf) {
                wide.extend_from_slice(&u.to_be_bytes());
            }
        }
    }
    flush(&mut wide, &mut out);
    out
}

/// Whether `name` is already modified UTF-7 with at least one encoded run:
/// printable ASCII, each `&` opening `&-` or base64 that decodes to UTF-16
/// holding no printable ASCII (which the encoding never puts there). A
/// folder literally called `&MLUw3TD8MMg-` is not worth the ambiguity.
fn is_mutf7(name: &str) -> bool {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    if !name.chars().all(|c| (' '..='~').contains(&c)) {
        return false;
    }
    let mut rest = name;
    let mut encoded = false;
    while let Some(at) = rest.find('&') {
        let Some((run, after)) = rest[at + 1..].split_once('-') else {
            return false;
        };
        if !run.is_empty() {
            let Ok(bytes) = engine.decode(run.replace(',', "/")) else {
                return false;
            };
            if !bytes.len().is_multiple_of(2) {
                return false;
            }
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            let printable = |c: &char| (' '..='~').contains(c);
            if !char::decode_utf16(units).all(|c| c.is_ok_and(|c| !printable(&c))) {
                return false;
            }
            encoded = true;
        }
        rest = after;
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_modified_utf7() {
        // RFC 3501 section 5.1.3's example.
        assert_eq!(
            mutf7("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(mutf7("Archive/Tend"), "Archive/Tend");
        assert_eq!(mutf7("R&D"), "R&-D");
        assert_eq!(mutf7("Erledigt ✓"), "Erledigt &JxM-");
        // Already encoded: sent as written.
        assert_eq!(mutf7("&MLUw3TD8MMg-"), "&MLUw3TD8MMg-");
        assert_eq!(
            mutf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        // Not modified UTF-7, so encoded: `&` without a valid run.
        assert_eq!(mutf7("Q&A-2026"), "Q&-A-2026");
        assert_eq!(mutf7("AT&T"), "AT&-T");
    }
}
