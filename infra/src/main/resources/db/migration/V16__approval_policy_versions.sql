-- Every version of each tenant's approval policy (projections/tenant/ApprovalPolicyHistory), so that a
-- requisition's route can be explained by the policy version its submission names.
CREATE TABLE approval_policy_version (
    tenant_id  UUID        NOT NULL,
    version    INT         NOT NULL,
    steps      JSONB       NOT NULL,
    changed_by UUID,
    changed_at TIMESTAMPTZ NOT NULL,
    ledger_seq BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

-- The tenant wall (as V13).
ALTER TABLE approval_policy_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE approval_policy_version FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON approval_policy_version USING (
    coalesce(current_setting('procledger.tenant_id', true), '') = ''
    OR tenant_id = nullif(current_setting('procledger.tenant_id', true), '')::uuid);

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON approval_policy_version TO %I', app_role);
END
$$;
