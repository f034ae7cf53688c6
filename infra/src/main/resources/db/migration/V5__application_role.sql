-- Least privilege for the role the service runs as (PROCLEDGER_DB_USER), when migrations run as a separate owner
-- (PROCLEDGER_DB_OWNER_USER): the ledger and its checkpoints may only be read and appended to.
-- Every later migration that adds a table grants on it the same way.
DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT ON ledger_events, ledger_checkpoints TO %I', app_role);
    EXECUTE format('GRANT SELECT, UPDATE ON ledger_head TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ledger_tenant_heads TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ledger_snapshots, TokenEntry, identity_email_claims, '
        || 'idempotency_keys TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON tenant_view, user_account, requisition_view, '
        || 'approval_inbox, requisition_history, requisition_history_state TO %I', app_role);
    EXECUTE format('GRANT SELECT ON flyway_schema_history TO %I', app_role);
END
$$;
