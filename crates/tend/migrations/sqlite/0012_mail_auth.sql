-- Sender authentication of inbound mail (sqlite). Keep in step with
-- postgres/0012_mail_auth.sql.
--
-- The SPF, DKIM and DMARC results of an inbound email as checked when it
-- arrived (RFC 8601 result names, or 'unavailable' for SPF of mail that did
-- not come through the SMTP receiver), and the From domain checked. NULL:
-- not checked (other messages, older mail, or checks turned off).
ALTER TABLE messages ADD COLUMN auth_spf TEXT;
ALTER TABLE messages ADD COLUMN auth_dkim TEXT;
ALTER TABLE messages ADD COLUMN auth_dmarc TEXT;
ALTER TABLE messages ADD COLUMN auth_domain TEXT;
