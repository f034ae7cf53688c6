/** Storage and platform plumbing: the PostgreSQL ledger, the embedded database, schema migrations. */
package com.procledger.infra;
