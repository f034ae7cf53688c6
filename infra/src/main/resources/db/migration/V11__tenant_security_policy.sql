-- The tenant's security policy as the read model shows it (SecurityPolicyChanged events).
ALTER TABLE tenant_view
    ADD COLUMN mfa_for_everyone     BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN mfa_roles            TEXT[]  NOT NULL DEFAULT '{}',
    ADD COLUMN idle_timeout_minutes BIGINT;
