-- Secrets a tenant keeps for other systems (an ERP webhook secret, say), sealed with the service's Tink keyset:
-- only ciphertext is stored, bound to its tenant and name as associated data.
CREATE TABLE tenant_secrets (
    tenant_id  UUID         NOT NULL,
    name       VARCHAR(100) NOT NULL,
    ciphertext BYTEA        NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL,
    updated_by UUID         NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- Tenant API keys: shown once; only a SHA-256 of the secret part is kept.
CREATE TABLE api_keys (
    id          UUID         PRIMARY KEY,
    tenant_id   UUID         NOT NULL,
    name        VARCHAR(100) NOT NULL,
    roles       TEXT[]       NOT NULL,
    secret_hash BYTEA        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    created_by  UUID         NOT NULL,
    expires_at  TIMESTAMPTZ  NOT NULL,
    revoked_at  TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- TOTP secrets are sealed with the same keyset from now on; any stored in clear before are
-- dropped, so their users enrol again.
DELETE FROM mfa_totp;
DELETE FROM mfa_recovery_codes;

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_secrets, api_keys TO %I', app_role);
END
$$;
