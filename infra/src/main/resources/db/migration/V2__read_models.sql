-- Read models: tables written only by the projections (module projections/), rebuilt from the ledger on reset.
-- Every row carries tenant_id.

CREATE TABLE tenant_view (
    tenant_id      UUID PRIMARY KEY,
    name           TEXT        NOT NULL,
    currency       CHAR(3)     NOT NULL,
    policy_version INT         NOT NULL DEFAULT 0,
    policy         JSONB       NOT NULL DEFAULT '[]',
    created_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT      NOT NULL
);

CREATE TABLE user_account (
    user_id       UUID PRIMARY KEY,
    tenant_id     UUID        NOT NULL,
    email         TEXT        NOT NULL UNIQUE,
    name          TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    roles         TEXT[]      NOT NULL,
    department    TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_account_tenant ON user_account (tenant_id, email);

CREATE TABLE requisition_view (
    requisition_id     UUID PRIMARY KEY,
    tenant_id          UUID           NOT NULL,
    status             VARCHAR(20)    NOT NULL,
    title              TEXT           NOT NULL,
    department         TEXT           NOT NULL,
    vendor             TEXT           NOT NULL,
    currency           CHAR(3)        NOT NULL,
    total              NUMERIC(24, 4) NOT NULL,
    justification      TEXT,
    needed_by          DATE,
    lines              JSONB          NOT NULL,
    requester_id       UUID           NOT NULL,
    policy_version     INT,
    route              JSONB          NOT NULL DEFAULT '[]',
    approvals          JSONB          NOT NULL DEFAULT '[]',
    pending_step_index INT,
    decision_reason    TEXT,
    created_at         TIMESTAMPTZ    NOT NULL,
    updated_at         TIMESTAMPTZ    NOT NULL,
    version            BIGINT         NOT NULL,
    last_ledger_seq    BIGINT         NOT NULL
);
CREATE INDEX requisition_view_tenant ON requisition_view (tenant_id, created_at DESC, requisition_id);
CREATE INDEX requisition_view_tenant_status ON requisition_view (tenant_id, status, created_at DESC);

-- One row per open requisition; role and step_name are set while it waits on a step.
CREATE TABLE approval_inbox (
    requisition_id UUID PRIMARY KEY,
    tenant_id      UUID           NOT NULL,
    role           VARCHAR(20),
    step_name      TEXT,
    route          JSONB          NOT NULL DEFAULT '[]',
    requester_id   UUID           NOT NULL,
    title          TEXT           NOT NULL,
    department     TEXT           NOT NULL,
    vendor         TEXT           NOT NULL,
    total          NUMERIC(24, 4) NOT NULL,
    currency       CHAR(3)        NOT NULL,
    waiting_since  TIMESTAMPTZ,
    version        BIGINT         NOT NULL
);
CREATE INDEX approval_inbox_tenant_role ON approval_inbox (tenant_id, role, waiting_since);

CREATE TABLE requisition_history (
    requisition_id UUID        NOT NULL,
    aggregate_seq  BIGINT      NOT NULL,
    tenant_id      UUID        NOT NULL,
    ledger_seq     BIGINT      NOT NULL,
    type           TEXT        NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    actor          UUID,
    changes        JSONB       NOT NULL,
    PRIMARY KEY (requisition_id, aggregate_seq)
);

-- The history projection's memory of each requisition's last values, to compute "from -> to".
CREATE TABLE requisition_history_state (
    requisition_id UUID PRIMARY KEY,
    tenant_id      UUID   NOT NULL,
    fields         JSONB  NOT NULL,
    version        BIGINT NOT NULL
);
