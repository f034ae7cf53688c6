-- Refresh tokens rotate: each is used once and replaced by the next of its family. Presenting a used one again
-- means it was stolen (or replayed): the whole family is revoked. Only a hash of the secret part is kept.
CREATE TABLE refresh_tokens (
    id          UUID        PRIMARY KEY,
    family_id   UUID        NOT NULL,
    user_id     UUID        NOT NULL,
    secret_hash BYTEA       NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- What makes a still-unexpired access token invalid: its own id (logout), its refresh family (logout, reuse),
-- or its user (revocation by an admin, deactivation: tokens issued before not_before are refused).
CREATE TABLE token_revocations (
    kind       VARCHAR(10)  NOT NULL CHECK (kind IN ('TOKEN', 'FAMILY', 'USER')),
    subject    VARCHAR(100) NOT NULL,
    not_before TIMESTAMPTZ  NOT NULL,
    expires_at TIMESTAMPTZ,
    PRIMARY KEY (kind, subject)
);

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens, token_revocations TO %I', app_role);
END
$$;
