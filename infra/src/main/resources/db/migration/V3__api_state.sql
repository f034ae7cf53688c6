-- State the API keeps beside the ledger.

-- Email addresses are unique across the platform (sign-in is by email). A claim is written in the same
-- transaction as the UserRegistered event, so two concurrent registrations cannot both succeed.
CREATE TABLE identity_email_claims (
    email     TEXT PRIMARY KEY,
    user_id   UUID NOT NULL UNIQUE,
    tenant_id UUID NOT NULL
);

-- Answers to state-changing requests sent with an Idempotency-Key, replayed when the key comes again.
CREATE TABLE idempotency_keys (
    scope        TEXT        NOT NULL,
    key          TEXT        NOT NULL,
    request_hash TEXT        NOT NULL,
    state        VARCHAR(10) NOT NULL CHECK (state IN ('PENDING', 'DONE')),
    status       INT,
    headers      JSONB,
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
