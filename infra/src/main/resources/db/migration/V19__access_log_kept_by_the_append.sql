-- ADR 0013: the access log is kept by the ledger's append (AccessLog.INLINE), and the other read models' processors
-- follow only business events.

-- The business events' stream: this partial index finds the next business events without stepping over the
-- access events between them (on a big ledger, building it takes a while, once).
CREATE INDEX ledger_events_business ON ledger_events (global_position) WHERE event_type <> 'AccessRecorded';

-- Until now a tracking processor kept the access log, and it may have stopped short of the ledger's end. Nothing
-- appends while migrations run: add the rows of the access events after its last position (AccessLog.INLINE, over
-- those rows), then drop its token, since no processor will use it again.
WITH appended AS (
    SELECT * FROM ledger_events
    WHERE event_type = 'AccessRecorded'
      AND global_position > coalesce((SELECT (regexp_match(convert_from(token, 'UTF8'), '\d+'))[1]::bigint
                                      FROM tokenentry WHERE processorname = 'access-log' AND token IS NOT NULL), 0)
)
INSERT INTO access_log (tenant_id, ledger_seq, at, actor, action, resource, outcome, status, client_ip, user_agent,
    token_id, correlation_id)
SELECT a.tenant_id, a.ledger_seq, date_trunc('milliseconds', a.occurred_at), p.actor, p.action, p.resource, p.outcome,
    p.status, p."clientIp", p."userAgent", p."tokenId", p."correlationId"
FROM appended a, json_to_record(a.payload) AS p(actor text, action text, resource text, outcome text, status int,
    "clientIp" text, "userAgent" text, "tokenId" text, "correlationId" text)
ON CONFLICT DO NOTHING;

DELETE FROM tokenentry WHERE processorname = 'access-log';
