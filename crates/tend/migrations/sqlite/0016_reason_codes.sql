-- Mail-log reasons are codes (tend_mail::MachineKind::code), never
-- sentences: entries from before codes existed said "auto-generated mail
-- (…)". Keep in step with the other backend's 0016_reason_codes.sql.
UPDATE mail_log SET reason = 'auto_generated'
WHERE outcome = 'ignored' AND reason LIKE 'auto-generated%';
