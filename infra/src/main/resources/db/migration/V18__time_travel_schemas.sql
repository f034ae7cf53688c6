-- Where whole-tenant "as of" views are replayed in parallel (api/ledger/TimeTravel, ADR 0011): unlogged copies of
-- a view's tables, filled by several connections at once (temporary tables are private to one), then queried and
-- dropped. One replay per schema at a time; when all four are busy, a replay uses temporary tables instead.
CREATE SCHEMA procledger_asof_1;
CREATE SCHEMA procledger_asof_2;
CREATE SCHEMA procledger_asof_3;
CREATE SCHEMA procledger_asof_4;

DO $$
DECLARE
    app_role TEXT := '${app_role}';
    slot TEXT;
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    FOREACH slot IN ARRAY ARRAY['procledger_asof_1', 'procledger_asof_2', 'procledger_asof_3', 'procledger_asof_4'] LOOP
        EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', slot, app_role);
    END LOOP;
END
$$;
