-- TOTP (RFC 6238) per user: pending until confirmed with a code; last_used_step makes every code single-use.
CREATE TABLE mfa_totp (
    user_id        UUID        PRIMARY KEY,
    secret         BYTEA       NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    confirmed_at   TIMESTAMPTZ,
    last_used_step BIGINT      NOT NULL DEFAULT -1
);

-- Single-use recovery codes, stored as SHA-256 (they are random, 50 bits each: no need for a slow hash).
CREATE TABLE mfa_recovery_codes (
    user_id   UUID        NOT NULL,
    code_hash BYTEA       NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_totp, mfa_recovery_codes TO %I', app_role);
END
$$;
