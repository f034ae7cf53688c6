-- ADR 0014: the access log is a view of the ledger's access events, not a table written beside them. Each access
-- event (one per request) then costs the ledger row and one entry in the partial index below, instead of a second
-- row, its two index entries and a second parse of the payload.

-- A tenant's access events by time, for GET /api/tenants/{t}/access-events (on a big ledger, building it takes a
-- while, once).
CREATE INDEX ledger_events_access ON ledger_events (tenant_id, occurred_at) WHERE event_type = 'AccessRecorded';

-- Every row of the old table is an access event of the ledger (V19 added the ones its processor had not reached).
DROP TABLE access_log;
-- The token of the access log's old processor, which V19 dropped where it ran in its later form (beforeValidate.sql).
DELETE FROM tokenentry WHERE processorname = 'access-log';

-- The payload's fields as AccessRecorded's record components name them; `at` in milliseconds, as the table had it
-- (filter on occurred_at, which the index covers). The tenant wall is part of the view, with the same rule as the
-- read models' row-level security (V13): a connection scoped to a tenant sees only that tenant's rows. As a
-- security barrier, a caller's conditions run only on rows the wall let through.
CREATE VIEW access_log WITH (security_barrier) AS
SELECT tenant_id, ledger_seq, occurred_at, date_trunc('milliseconds', occurred_at) AS at,
       payload ->> 'actor' AS actor, payload ->> 'action' AS action, payload ->> 'resource' AS resource,
       payload ->> 'outcome' AS outcome, (payload ->> 'status')::int AS status, payload ->> 'clientIp' AS client_ip,
       payload ->> 'userAgent' AS user_agent, payload ->> 'tokenId' AS token_id,
       payload ->> 'correlationId' AS correlation_id
FROM ledger_events
WHERE event_type = 'AccessRecorded'
  AND (coalesce(current_setting('procledger.tenant_id', true), '') = ''
       OR tenant_id = nullif(current_setting('procledger.tenant_id', true), '')::uuid);

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT ON access_log TO %I', app_role);
END
$$;
