-- The tenant wall in the database (DESIGN.md, "Read models"): every read-model row carries tenant_id, and a
-- connection that works for a tenant (procledger.tenant_id set, see TenantScopedDataSource) sees only that
-- tenant's rows, whatever its query forgets. Unscoped connections (the processors that build the read models,
-- sign-in, system lookups) see every row. FORCE makes the owner subject to it too; superusers never are, which is
-- why the service runs as a role of its own, on the embedded database too (procledger_app).
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_view', 'user_account', 'requisition_view', 'approval_inbox', 'requisition_history',
                             'requisition_history_state', 'access_log'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_wall ON %I USING ('
            || 'coalesce(current_setting(''procledger.tenant_id'', true), '''') = '''' '
            || 'OR tenant_id = nullif(current_setting(''procledger.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;

-- Databases migrated before the embedded service had a role of its own: grant that role what V5 and later grant.
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
        || 'idempotency_keys, refresh_tokens, token_revocations, mfa_totp, mfa_recovery_codes, tenant_secrets, '
        || 'api_keys TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON tenant_view, user_account, requisition_view, '
        || 'approval_inbox, requisition_history, requisition_history_state, access_log TO %I', app_role);
    EXECUTE format('GRANT SELECT ON flyway_schema_history TO %I', app_role);
END
$$;
