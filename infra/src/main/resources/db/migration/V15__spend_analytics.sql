-- Spend analytics read models (projections/analytics/SpendAnalytics), and the reporting schema analysts may
-- query directly with a read-only role (docs/reporting.md).

-- One row per requisition line: what it costs and where it stands. Committed spend is APPROVED, pending spend
-- SUBMITTED; DRAFT, REJECTED and CANCELLED lines are kept for completeness.
CREATE TABLE spend_line (
    tenant_id      UUID           NOT NULL,
    requisition_id UUID           NOT NULL,
    line_no        INT            NOT NULL,
    department     TEXT           NOT NULL,
    vendor         TEXT           NOT NULL,
    category       TEXT           NOT NULL,
    currency       CHAR(3)        NOT NULL,
    amount         NUMERIC(24, 4) NOT NULL,
    status         VARCHAR(20)    NOT NULL,
    raised_at      TIMESTAMPTZ    NOT NULL,
    submitted_at   TIMESTAMPTZ,
    decided_at     TIMESTAMPTZ,
    PRIMARY KEY (requisition_id, line_no)
);
CREATE INDEX spend_line_tenant_status ON spend_line (tenant_id, status);

-- One row per step of a submitted requisition's route: when it started waiting (submission, or the previous
-- step's approval), when and by whom it was decided.
CREATE TABLE approval_step_timing (
    tenant_id      UUID        NOT NULL,
    requisition_id UUID        NOT NULL,
    step_index     INT         NOT NULL,
    step_name      TEXT        NOT NULL,
    role           VARCHAR(20) NOT NULL,
    started_at     TIMESTAMPTZ,
    decided_at     TIMESTAMPTZ,
    decided_by     UUID,
    outcome        VARCHAR(10),
    PRIMARY KEY (requisition_id, step_index)
);
CREATE INDEX approval_step_timing_tenant ON approval_step_timing (tenant_id, step_name);

-- The tenant wall (as V13) on both.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['spend_line', 'approval_step_timing'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_wall ON %I USING ('
            || 'coalesce(current_setting(''procledger.tenant_id'', true), '''') = '''' '
            || 'OR tenant_id = nullif(current_setting(''procledger.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON spend_line, approval_step_timing TO %I', app_role);
END
$$;

-- The reporting schema: views that run with the caller's rights (security_invoker), so row-level security applies
-- to whoever queries them.
CREATE SCHEMA reporting;

-- Which tenants each analyst's database role may see. Maintained by operators (docs/reporting.md).
CREATE TABLE reporting.analyst_tenants (
    role_name NAME NOT NULL,
    tenant_id UUID NOT NULL,
    PRIMARY KEY (role_name, tenant_id)
);

CREATE VIEW reporting.spend WITH (security_invoker = true) AS
    SELECT tenant_id, requisition_id, line_no, department, vendor, category, currency, amount, status, raised_at,
           submitted_at, decided_at,
           CASE status WHEN 'APPROVED' THEN decided_at WHEN 'SUBMITTED' THEN submitted_at END AS spend_at
    FROM spend_line;

CREATE VIEW reporting.approval_steps WITH (security_invoker = true) AS
    SELECT tenant_id, requisition_id, step_index, step_name, role, started_at, decided_at, decided_by, outcome,
           decided_at - started_at AS waited
    FROM approval_step_timing;

CREATE VIEW reporting.requisitions WITH (security_invoker = true) AS
    SELECT requisition_id, tenant_id, status, title, department, vendor, currency, total, requester_id,
           policy_version, created_at, updated_at
    FROM requisition_view;

-- The analysts' group role: read-only, and bound to the tenants listed for the login role in analyst_tenants,
-- whatever procledger.tenant_id it sets (a restrictive policy is ANDed with the tenant wall). Creating a role
-- needs CREATEROLE: where the migrating user lacks it, an operator creates procledger_analyst and re-runs this
-- block by hand (docs/reporting.md).
DO $$
DECLARE
    t TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'procledger_analyst') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolcreaterole OR rolsuper)) THEN
            RAISE NOTICE 'procledger_analyst not created: % may not create roles', current_user;
            RETURN;
        END IF;
        CREATE ROLE procledger_analyst NOLOGIN;
    END IF;
    GRANT USAGE ON SCHEMA reporting TO procledger_analyst;
    -- an analyst sees only its own grants
    ALTER TABLE reporting.analyst_tenants ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_grants ON reporting.analyst_tenants FOR SELECT TO procledger_analyst
        USING (role_name = current_user);
    GRANT SELECT ON reporting.spend, reporting.approval_steps, reporting.requisitions, reporting.analyst_tenants
        TO procledger_analyst;
    FOREACH t IN ARRAY ARRAY['spend_line', 'approval_step_timing', 'requisition_view'] LOOP
        EXECUTE format('GRANT SELECT ON %I TO procledger_analyst', t);
        EXECUTE format('CREATE POLICY analyst_tenants ON %I AS RESTRICTIVE FOR SELECT TO procledger_analyst USING ('
            || 'tenant_id IN (SELECT a.tenant_id FROM reporting.analyst_tenants a WHERE a.role_name = current_user))', t);
    END LOOP;
END
$$;
