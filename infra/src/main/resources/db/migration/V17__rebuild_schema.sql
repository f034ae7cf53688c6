-- Where read models are rebuilt while the old ones keep serving (api/ledger/Rebuilds, ADR 0011): copies of a read
-- model's tables, filled from the ledger, then swapped into public in one transaction.
CREATE SCHEMA procledger_rebuild;

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA procledger_rebuild TO %I', app_role);
END
$$;
