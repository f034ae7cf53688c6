-- The schema the Flyway migrations (infra/src/main/resources/db/migration) build, rendered from the
-- database catalog in a stable order. Generated: do not edit; SchemaDocumentTest keeps it in step.
-- Grants to the service's role are not shown (afterMigrate.sql and the migrations before V21 give them).

CREATE SCHEMA procledger_asof_1;

CREATE SCHEMA procledger_asof_2;

CREATE SCHEMA procledger_asof_3;

CREATE SCHEMA procledger_asof_4;

CREATE SCHEMA procledger_rebuild;

CREATE SCHEMA reporting;

CREATE TABLE public.api_keys (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    roles text[] NOT NULL,
    secret_hash bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by uuid NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id)
);
CREATE INDEX api_keys_tenant ON public.api_keys USING btree (tenant_id);

CREATE TABLE public.approval_inbox (
    requisition_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    role character varying(20),
    step_name text,
    route jsonb NOT NULL DEFAULT '[]'::jsonb,
    requester_id uuid NOT NULL,
    title text NOT NULL,
    department text NOT NULL,
    vendor text NOT NULL,
    total numeric(24,4) NOT NULL,
    currency character(3) NOT NULL,
    waiting_since timestamp with time zone,
    version bigint NOT NULL,
    CONSTRAINT approval_inbox_pkey PRIMARY KEY (requisition_id)
);
CREATE INDEX approval_inbox_tenant_role ON public.approval_inbox USING btree (tenant_id, role, waiting_since);
ALTER TABLE public.approval_inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.approval_inbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON public.approval_inbox AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.approval_policy_version (
    tenant_id uuid NOT NULL,
    version integer NOT NULL,
    steps jsonb NOT NULL,
    changed_by uuid,
    changed_at timestamp with time zone NOT NULL,
    ledger_seq bigint NOT NULL,
    CONSTRAINT approval_policy_version_pkey PRIMARY KEY (tenant_id, version)
);
ALTER TABLE public.approval_policy_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.approval_policy_version FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON public.approval_policy_version AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.approval_step_timing (
    tenant_id uuid NOT NULL,
    requisition_id uuid NOT NULL,
    step_index integer NOT NULL,
    step_name text NOT NULL,
    role character varying(20) NOT NULL,
    started_at timestamp with time zone,
    decided_at timestamp with time zone,
    decided_by uuid,
    outcome character varying(10),
    CONSTRAINT approval_step_timing_pkey PRIMARY KEY (requisition_id, step_index)
);
CREATE INDEX approval_step_timing_tenant ON public.approval_step_timing USING btree (tenant_id, step_name);
ALTER TABLE public.approval_step_timing ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.approval_step_timing FORCE ROW LEVEL SECURITY;
CREATE POLICY analyst_tenants ON public.approval_step_timing AS RESTRICTIVE FOR SELECT TO procledger_analyst USING ((tenant_id IN ( SELECT a.tenant_id
   FROM reporting.analyst_tenants a
  WHERE (a.role_name = CURRENT_USER))));
CREATE POLICY tenant_wall ON public.approval_step_timing AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.dead_letter_entry (
    deadletteridentifier character varying(255) NOT NULL,
    processinggroup character varying(255) NOT NULL,
    sequenceidentifier character varying(255) NOT NULL,
    sequenceindex bigint NOT NULL,
    messagetype character varying(255) NOT NULL,
    eventidentifier character varying(255) NOT NULL,
    timestamp character varying(255) NOT NULL,
    payloadtype character varying(255) NOT NULL,
    payloadrevision character varying(255),
    payload bytea NOT NULL,
    metadata bytea,
    type character varying(255),
    aggregateidentifier character varying(255),
    sequencenumber bigint,
    tokentype character varying(255),
    token bytea,
    enqueuedat character varying(255) NOT NULL,
    lasttouched character varying(255),
    processingstarted character varying(255),
    causetype character varying(255),
    causemessage character varying(1023),
    diagnostics bytea,
    CONSTRAINT dead_letter_entry_pkey PRIMARY KEY (deadletteridentifier),
    CONSTRAINT dead_letter_sequence_index UNIQUE (processinggroup, sequenceidentifier, sequenceindex)
);
CREATE INDEX dead_letter_entry_group ON public.dead_letter_entry USING btree (processinggroup);
CREATE INDEX dead_letter_entry_sequence ON public.dead_letter_entry USING btree (processinggroup, sequenceidentifier);

CREATE TABLE public.idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    state character varying(10) NOT NULL,
    status integer,
    headers jsonb,
    body bytea,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key),
    CONSTRAINT idempotency_keys_state_check CHECK (((state)::text = ANY ((ARRAY['PENDING'::character varying, 'DONE'::character varying])::text[])))
);

CREATE TABLE public.identity_email_claims (
    email text NOT NULL,
    user_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    CONSTRAINT identity_email_claims_pkey PRIMARY KEY (tenant_id, email),
    CONSTRAINT identity_email_claims_user_id_key UNIQUE (user_id)
);
CREATE INDEX identity_email_claims_email ON public.identity_email_claims USING btree (email);

CREATE TABLE public.ledger_checkpoints (
    tenant_id uuid NOT NULL,
    ledger_seq bigint NOT NULL,
    head_hash bytea NOT NULL,
    signed_at timestamp with time zone NOT NULL,
    key_id character varying(64) NOT NULL,
    signature bytea NOT NULL,
    format smallint NOT NULL DEFAULT 1,
    prev_ledger_seq bigint,
    prev_signature_sha256 bytea,
    CONSTRAINT ledger_checkpoints_pkey PRIMARY KEY (tenant_id, ledger_seq)
);
CREATE TRIGGER ledger_checkpoints_append_only BEFORE DELETE OR UPDATE ON public.ledger_checkpoints FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON public.ledger_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE TABLE public.ledger_events (
    global_position bigint NOT NULL,
    tenant_id uuid NOT NULL,
    ledger_seq bigint NOT NULL,
    event_id character varying(64) NOT NULL,
    aggregate_type character varying(100),
    aggregate_id character varying(100),
    aggregate_seq bigint,
    event_type character varying(200) NOT NULL,
    event_revision character varying(50),
    occurred_at timestamp with time zone NOT NULL,
    metadata json NOT NULL,
    payload json NOT NULL,
    prev_hash bytea,
    hash bytea,
    CONSTRAINT ledger_events_event_id UNIQUE (event_id),
    CONSTRAINT ledger_events_pkey PRIMARY KEY (global_position),
    CONSTRAINT ledger_events_seq_positive CHECK (((ledger_seq > 0) AND (global_position > 0))),
    CONSTRAINT ledger_events_tenant_seq UNIQUE (tenant_id, ledger_seq)
);
CREATE INDEX ledger_events_access ON public.ledger_events USING btree (tenant_id, occurred_at) WHERE ((event_type)::text = 'AccessRecorded'::text);
CREATE UNIQUE INDEX ledger_events_aggregate_seq ON public.ledger_events USING btree (aggregate_id, aggregate_seq) WHERE (aggregate_id IS NOT NULL);
CREATE INDEX ledger_events_business ON public.ledger_events USING btree (global_position) WHERE ((event_type)::text <> 'AccessRecorded'::text);
CREATE INDEX ledger_events_idempotency_key ON public.ledger_events USING btree (((metadata ->> 'idempotencyKey'::text))) WHERE ((metadata ->> 'idempotencyKey'::text) IS NOT NULL);
CREATE INDEX ledger_events_occurred_at ON public.ledger_events USING btree (occurred_at);
CREATE TRIGGER ledger_events_append_only BEFORE DELETE OR UPDATE ON public.ledger_events FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON public.ledger_events FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE TABLE public.ledger_head (
    id smallint NOT NULL,
    last_position bigint NOT NULL,
    CONSTRAINT ledger_head_id_check CHECK ((id = 1)),
    CONSTRAINT ledger_head_pkey PRIMARY KEY (id)
);

CREATE TABLE public.ledger_published (
    id smallint NOT NULL,
    position bigint NOT NULL,
    CONSTRAINT ledger_published_id_check CHECK ((id = 1)),
    CONSTRAINT ledger_published_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE public.ledger_published IS 'The ledger position up to which appends are durable and shown to readers by position. app privileges: SELECT, UPDATE';

CREATE TABLE public.ledger_signing_keys (
    key_id character varying(64) NOT NULL,
    algorithm character varying(20) NOT NULL,
    public_key text NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    valid_until timestamp with time zone,
    CONSTRAINT ledger_signing_keys_algorithm_check CHECK (((algorithm)::text = 'Ed25519'::text)),
    CONSTRAINT ledger_signing_keys_pkey PRIMARY KEY (key_id)
);
CREATE TRIGGER ledger_signing_keys_no_truncate BEFORE TRUNCATE ON public.ledger_signing_keys FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_signing_keys_retire_only BEFORE DELETE OR UPDATE ON public.ledger_signing_keys FOR EACH ROW EXECUTE FUNCTION ledger_signing_keys_retire_only();

CREATE TABLE public.ledger_snapshots (
    aggregate_id character varying(100) NOT NULL,
    aggregate_type character varying(100) NOT NULL,
    aggregate_seq bigint NOT NULL,
    event_id character varying(64) NOT NULL,
    snapshot_type character varying(200) NOT NULL,
    snapshot_revision character varying(50),
    taken_at timestamp with time zone NOT NULL,
    metadata json NOT NULL,
    payload json NOT NULL,
    CONSTRAINT ledger_snapshots_pkey PRIMARY KEY (aggregate_id)
);

CREATE TABLE public.ledger_tenant_heads (
    tenant_id uuid NOT NULL,
    last_seq bigint NOT NULL,
    CONSTRAINT ledger_tenant_heads_pkey PRIMARY KEY (tenant_id)
);

CREATE TABLE public.mfa_recovery_codes (
    user_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT mfa_recovery_codes_pkey PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE public.mfa_totp (
    user_id uuid NOT NULL,
    secret bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    confirmed_at timestamp with time zone,
    last_used_step bigint NOT NULL DEFAULT '-1'::integer,
    CONSTRAINT mfa_totp_pkey PRIMARY KEY (user_id)
);

CREATE TABLE public.refresh_tokens (
    id uuid NOT NULL,
    family_id uuid NOT NULL,
    user_id uuid NOT NULL,
    secret_hash bytea NOT NULL,
    issued_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id)
);
CREATE INDEX refresh_tokens_family ON public.refresh_tokens USING btree (family_id);
CREATE INDEX refresh_tokens_user ON public.refresh_tokens USING btree (user_id);

CREATE TABLE public.requisition_history (
    requisition_id uuid NOT NULL,
    aggregate_seq bigint NOT NULL,
    tenant_id uuid NOT NULL,
    ledger_seq bigint NOT NULL,
    type text NOT NULL,
    at timestamp with time zone NOT NULL,
    actor uuid,
    changes jsonb NOT NULL,
    CONSTRAINT requisition_history_pkey PRIMARY KEY (requisition_id, aggregate_seq)
);
CREATE INDEX requisition_history_actor ON public.requisition_history USING btree (tenant_id, actor);
ALTER TABLE public.requisition_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.requisition_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON public.requisition_history AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.requisition_history_state (
    requisition_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    fields jsonb NOT NULL,
    version bigint NOT NULL,
    CONSTRAINT requisition_history_state_pkey PRIMARY KEY (requisition_id)
);
ALTER TABLE public.requisition_history_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.requisition_history_state FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON public.requisition_history_state AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.requisition_view (
    requisition_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    status character varying(20) NOT NULL,
    title text NOT NULL,
    department text NOT NULL,
    vendor text NOT NULL,
    currency character(3) NOT NULL,
    total numeric(24,4) NOT NULL,
    justification text,
    needed_by date,
    lines jsonb NOT NULL,
    requester_id uuid NOT NULL,
    policy_version integer,
    route jsonb NOT NULL DEFAULT '[]'::jsonb,
    approvals jsonb NOT NULL DEFAULT '[]'::jsonb,
    pending_step_index integer,
    decision_reason text,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version bigint NOT NULL,
    last_ledger_seq bigint NOT NULL,
    decided_by uuid,
    CONSTRAINT requisition_view_pkey PRIMARY KEY (requisition_id)
);
CREATE INDEX requisition_view_tenant ON public.requisition_view USING btree (tenant_id, created_at DESC, requisition_id);
CREATE INDEX requisition_view_tenant_status ON public.requisition_view USING btree (tenant_id, status, created_at DESC);
ALTER TABLE public.requisition_view ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.requisition_view FORCE ROW LEVEL SECURITY;
CREATE POLICY analyst_tenants ON public.requisition_view AS RESTRICTIVE FOR SELECT TO procledger_analyst USING ((tenant_id IN ( SELECT a.tenant_id
   FROM reporting.analyst_tenants a
  WHERE (a.role_name = CURRENT_USER))));
CREATE POLICY tenant_wall ON public.requisition_view AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.spend_line (
    tenant_id uuid NOT NULL,
    requisition_id uuid NOT NULL,
    line_no integer NOT NULL,
    department text NOT NULL,
    vendor text NOT NULL,
    category text NOT NULL,
    currency character(3) NOT NULL,
    amount numeric(24,4) NOT NULL,
    status character varying(20) NOT NULL,
    raised_at timestamp with time zone NOT NULL,
    submitted_at timestamp with time zone,
    decided_at timestamp with time zone,
    CONSTRAINT spend_line_pkey PRIMARY KEY (requisition_id, line_no)
);
CREATE INDEX spend_line_tenant_status ON public.spend_line USING btree (tenant_id, status);
ALTER TABLE public.spend_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.spend_line FORCE ROW LEVEL SECURITY;
CREATE POLICY analyst_tenants ON public.spend_line AS RESTRICTIVE FOR SELECT TO procledger_analyst USING ((tenant_id IN ( SELECT a.tenant_id
   FROM reporting.analyst_tenants a
  WHERE (a.role_name = CURRENT_USER))));
CREATE POLICY tenant_wall ON public.spend_line AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.subject_keys (
    subject text NOT NULL,
    wrapped_key bytea,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    erased_at timestamp with time zone,
    CONSTRAINT subject_keys_erased CHECK (((wrapped_key IS NULL) = (erased_at IS NOT NULL))),
    CONSTRAINT subject_keys_pkey PRIMARY KEY (subject)
);
COMMENT ON TABLE public.subject_keys IS 'Keys of data subjects, wrapped by the secrets keyset. app privileges: SELECT, INSERT, UPDATE, DELETE';
CREATE INDEX subject_keys_expiry ON public.subject_keys USING btree (expires_at) WHERE (expires_at IS NOT NULL);

CREATE TABLE public.tenant_secrets (
    tenant_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    ciphertext bytea NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by uuid NOT NULL,
    CONSTRAINT tenant_secrets_pkey PRIMARY KEY (tenant_id, name)
);

CREATE TABLE public.tenant_view (
    tenant_id uuid NOT NULL,
    name text NOT NULL,
    currency character(3) NOT NULL,
    policy_version integer NOT NULL DEFAULT 0,
    policy jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at timestamp with time zone NOT NULL,
    version bigint NOT NULL,
    mfa_for_everyone boolean NOT NULL DEFAULT false,
    mfa_roles text[] NOT NULL DEFAULT '{}'::text[],
    idle_timeout_minutes bigint,
    ai_processing_default boolean NOT NULL DEFAULT false,
    CONSTRAINT tenant_view_pkey PRIMARY KEY (tenant_id)
);
ALTER TABLE public.tenant_view ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenant_view FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON public.tenant_view AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.token_revocations (
    kind character varying(10) NOT NULL,
    subject character varying(100) NOT NULL,
    not_before timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    CONSTRAINT token_revocations_kind_check CHECK (((kind)::text = ANY ((ARRAY['TOKEN'::character varying, 'FAMILY'::character varying, 'USER'::character varying])::text[]))),
    CONSTRAINT token_revocations_pkey PRIMARY KEY (kind, subject)
);

CREATE TABLE public.tokenentry (
    processorname character varying(255) NOT NULL,
    segment integer NOT NULL,
    token bytea,
    tokentype character varying(255),
    timestamp character varying(255),
    owner character varying(255),
    CONSTRAINT tokenentry_pkey PRIMARY KEY (processorname, segment)
);

CREATE TABLE public.user_account (
    user_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    email text,
    name text NOT NULL,
    roles text[] NOT NULL,
    department text,
    created_at timestamp with time zone NOT NULL,
    deactivated_at timestamp with time zone,
    ai_processing boolean,
    CONSTRAINT user_account_pkey PRIMARY KEY (user_id)
);
CREATE INDEX user_account_email ON public.user_account USING btree (email);
CREATE INDEX user_account_tenant ON public.user_account USING btree (tenant_id, email);
CREATE UNIQUE INDEX user_account_tenant_email ON public.user_account USING btree (tenant_id, email);
ALTER TABLE public.user_account ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_account FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_wall ON public.user_account AS PERMISSIVE FOR ALL TO public USING (((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE TABLE public.user_credentials (
    user_id uuid NOT NULL,
    password_hash text NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    CONSTRAINT user_credentials_pkey PRIMARY KEY (user_id)
);

CREATE TABLE reporting.analyst_tenants (
    role_name name NOT NULL,
    tenant_id uuid NOT NULL,
    CONSTRAINT analyst_tenants_pkey PRIMARY KEY (role_name, tenant_id)
);
ALTER TABLE reporting.analyst_tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_grants ON reporting.analyst_tenants AS PERMISSIVE FOR SELECT TO procledger_analyst USING ((role_name = CURRENT_USER));

CREATE VIEW public.access_log WITH (security_barrier=true) AS
 SELECT tenant_id,
    ledger_seq,
    occurred_at,
    date_trunc('milliseconds'::text, occurred_at) AS at,
    (payload ->> 'actor'::text) AS actor,
    (payload ->> 'action'::text) AS action,
    (payload ->> 'resource'::text) AS resource,
    (payload ->> 'outcome'::text) AS outcome,
    ((payload ->> 'status'::text))::integer AS status,
    (payload ->> 'clientIp'::text) AS client_ip,
    (payload ->> 'userAgent'::text) AS user_agent,
    (payload ->> 'tokenId'::text) AS token_id,
    (payload ->> 'correlationId'::text) AS correlation_id,
    (payload ->> 'detail'::text) AS detail,
    (payload ->> 'dataSubject'::text) AS data_subject
   FROM ledger_events
  WHERE (((event_type)::text = 'AccessRecorded'::text) AND ((COALESCE(current_setting('procledger.tenant_id'::text, true), ''::text) = ''::text) OR (tenant_id = (NULLIF(current_setting('procledger.tenant_id'::text, true), ''::text))::uuid)));

CREATE VIEW reporting.approval_steps WITH (security_invoker=true) AS
 SELECT tenant_id,
    requisition_id,
    step_index,
    step_name,
    role,
    started_at,
    decided_at,
    decided_by,
    outcome,
    (decided_at - started_at) AS waited
   FROM approval_step_timing;

CREATE VIEW reporting.requisitions WITH (security_invoker=true) AS
 SELECT requisition_id,
    tenant_id,
    status,
    title,
    department,
    vendor,
    currency,
    total,
    requester_id,
    policy_version,
    created_at,
    updated_at
   FROM requisition_view;

CREATE VIEW reporting.spend WITH (security_invoker=true) AS
 SELECT tenant_id,
    requisition_id,
    line_no,
    department,
    vendor,
    category,
    currency,
    amount,
    status,
    raised_at,
    submitted_at,
    decided_at,
        CASE status
            WHEN 'APPROVED'::text THEN decided_at
            WHEN 'SUBMITTED'::text THEN submitted_at
            ELSE NULL::timestamp with time zone
        END AS spend_at
   FROM spend_line;

CREATE OR REPLACE FUNCTION public.ledger_refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    RAISE EXCEPTION '% on % is refused: the ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$function$;

CREATE OR REPLACE FUNCTION public.ledger_signing_keys_retire_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.valid_until IS NULL AND NEW.valid_until IS NOT NULL
       AND NEW.key_id = OLD.key_id AND NEW.algorithm = OLD.algorithm AND NEW.public_key = OLD.public_key
       AND NEW.valid_from = OLD.valid_from THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % is refused: a signing key is only ever retired', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$function$;
