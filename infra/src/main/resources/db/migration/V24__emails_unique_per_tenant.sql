-- An email address is unique within its tenant, no longer across the platform (issue 21): a tenant admin must not
-- learn that an address is registered elsewhere. Sign-in names the tenant where an address has several accounts.
ALTER TABLE identity_email_claims DROP CONSTRAINT identity_email_claims_pkey;
ALTER TABLE identity_email_claims ADD PRIMARY KEY (tenant_id, email);
CREATE INDEX identity_email_claims_email ON identity_email_claims (email);

ALTER TABLE user_account DROP CONSTRAINT user_account_email_key;
CREATE UNIQUE INDEX user_account_tenant_email ON user_account (tenant_id, email);
CREATE INDEX user_account_email ON user_account (email);
