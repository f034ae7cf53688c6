-- The access log read model: every AccessRecorded event of the ledger, for GET /api/tenants/{t}/access-events.
-- Rebuildable from the ledger like every read model; the ledger row (tenant_id, ledger_seq) is the key.
CREATE TABLE access_log (
    tenant_id      UUID          NOT NULL,
    ledger_seq     BIGINT        NOT NULL,
    at             TIMESTAMPTZ   NOT NULL,
    actor          VARCHAR(100),
    action         VARCHAR(100)  NOT NULL,
    resource       VARCHAR(2000),
    outcome        VARCHAR(10)   NOT NULL,
    status         INT           NOT NULL,
    client_ip      VARCHAR(64),
    user_agent     VARCHAR(256),
    token_id       VARCHAR(100),
    correlation_id VARCHAR(100),
    PRIMARY KEY (tenant_id, ledger_seq)
);
CREATE INDEX access_log_tenant_at ON access_log (tenant_id, at);

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON access_log TO %I', app_role);
END
$$;
