-- Personal data that can be erased (docs/privacy.md, ADR 0021).

-- A ledger written before this version holds password hashes and personal data in plaintext, under its hash chain:
-- it cannot be made erasable in place, and is not carried forward (ADR 0021). Start such a database afresh.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_events WHERE event_type = 'UserRegistered' AND event_revision IS NULL) THEN
        RAISE EXCEPTION 'this ledger was written before personal data was sealed (its UserRegistered events hold '
            'password hashes in plaintext): it cannot be upgraded; start from an empty database (ADR 0021)';
    END IF;
END
$$;

-- The keys of data subjects: a Tink AES-256-GCM keyset per user (and per day for unauthenticated requests), wrapped
-- by the secrets keyset. Erasure sets wrapped_key to NULL and keeps the row as a tombstone; keys of unauthenticated
-- requests are deleted after expires_at.
CREATE TABLE subject_keys (
    subject     text PRIMARY KEY,
    wrapped_key bytea,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    erased_at   timestamptz,
    CONSTRAINT subject_keys_erased CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
);
COMMENT ON TABLE subject_keys IS 'Keys of data subjects, wrapped by the secrets keyset. app privileges: SELECT, INSERT, UPDATE, DELETE';
CREATE INDEX subject_keys_expiry ON subject_keys (expires_at) WHERE expires_at IS NOT NULL;

-- Secrets never enter the ledger: a user's password hash is a credential that can be changed and deleted.
CREATE TABLE user_credentials (
    user_id       uuid PRIMARY KEY,
    password_hash text NOT NULL,
    changed_at    timestamptz NOT NULL
);
ALTER TABLE user_account DROP COLUMN password_hash;

-- An erased user's address is gone: the account keeps its row (roles, dates) without it.
ALTER TABLE user_account ALTER COLUMN email DROP NOT NULL;

-- Consent to AI processing: the member's own choice (null: not said, the tenant's default applies).
ALTER TABLE user_account ADD COLUMN ai_processing boolean;
ALTER TABLE tenant_view ADD COLUMN ai_processing_default boolean NOT NULL DEFAULT false;

-- Who wrote a requisition's decision reason, so that erasing them can remove it.
ALTER TABLE requisition_view ADD COLUMN decided_by uuid;

-- Erasing a user finds the history entries they made.
CREATE INDEX requisition_history_actor ON requisition_history (tenant_id, actor);

-- The access log shows what a request named that may be personal (sealed in the ledger, opened by the service), and
-- whose personal data a request's address and agent are (null: a caller who did not prove who they are).
CREATE OR REPLACE VIEW access_log WITH (security_barrier) AS
SELECT tenant_id, ledger_seq, occurred_at, date_trunc('milliseconds', occurred_at) AS at,
       payload ->> 'actor' AS actor, payload ->> 'action' AS action, payload ->> 'resource' AS resource,
       payload ->> 'outcome' AS outcome, (payload ->> 'status')::int AS status, payload ->> 'clientIp' AS client_ip,
       payload ->> 'userAgent' AS user_agent, payload ->> 'tokenId' AS token_id,
       payload ->> 'correlationId' AS correlation_id, payload ->> 'detail' AS detail,
       payload ->> 'dataSubject' AS data_subject
FROM ledger_events
WHERE event_type = 'AccessRecorded'
  AND (coalesce(current_setting('procledger.tenant_id', true), '') = ''
       OR tenant_id = nullif(current_setting('procledger.tenant_id', true), '')::uuid);
