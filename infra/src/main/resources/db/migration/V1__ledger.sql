-- The ledger: one append-only table of events, the system of record and the audit log.
-- ledger_head serialises appends so that global positions become visible in the order they were taken:
-- tracking processors never meet a gap (see docs/adr/0002-ledger-append-order.md).

CREATE TABLE ledger_head (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    last_position BIGINT   NOT NULL
);
INSERT INTO ledger_head (id, last_position) VALUES (1, 0);

CREATE TABLE ledger_tenant_heads (
    tenant_id UUID PRIMARY KEY,
    last_seq  BIGINT NOT NULL,
    last_hash BYTEA
);

CREATE TABLE ledger_events (
    global_position BIGINT       PRIMARY KEY,
    tenant_id       UUID         NOT NULL,
    ledger_seq      BIGINT       NOT NULL,
    event_id        VARCHAR(64)  NOT NULL,
    aggregate_type  VARCHAR(100),
    aggregate_id    VARCHAR(100),
    aggregate_seq   BIGINT,
    event_type      VARCHAR(200) NOT NULL,
    event_revision  VARCHAR(50),
    occurred_at     TIMESTAMPTZ  NOT NULL,
    -- json (not jsonb) keeps the exact bytes that were written, which the hash chain will cover.
    metadata        JSON         NOT NULL,
    payload         JSON         NOT NULL,
    prev_hash       BYTEA,
    hash            BYTEA,
    CONSTRAINT ledger_events_tenant_seq UNIQUE (tenant_id, ledger_seq),
    CONSTRAINT ledger_events_event_id UNIQUE (event_id),
    CONSTRAINT ledger_events_aggregate_seq UNIQUE (aggregate_id, aggregate_seq),
    CONSTRAINT ledger_events_seq_positive CHECK (ledger_seq > 0 AND global_position > 0)
);
CREATE INDEX ledger_events_occurred_at ON ledger_events (occurred_at);

CREATE TABLE ledger_snapshots (
    aggregate_id   VARCHAR(100) PRIMARY KEY,
    aggregate_type VARCHAR(100) NOT NULL,
    aggregate_seq  BIGINT       NOT NULL,
    event_id       VARCHAR(64)  NOT NULL,
    snapshot_type  VARCHAR(200) NOT NULL,
    snapshot_revision VARCHAR(50),
    taken_at       TIMESTAMPTZ  NOT NULL,
    metadata       JSON         NOT NULL,
    payload        JSON         NOT NULL
);

-- Axon's JdbcTokenStore (default TokenSchema, unquoted names): where each processor has got to.
CREATE TABLE TokenEntry (
    processorName VARCHAR(255) NOT NULL,
    segment       INTEGER      NOT NULL,
    token         BYTEA        NULL,
    tokenType     VARCHAR(255) NULL,
    timestamp     VARCHAR(255) NULL,
    owner         VARCHAR(255) NULL,
    PRIMARY KEY (processorName, segment)
);
