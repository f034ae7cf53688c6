/**
 * Read models: projections that turn ledger events into PostgreSQL tables, and the queries that read them. Each
 * declares itself once ({@link com.procledger.projections.ReadModel}); replaying them lives in {@code replay}.
 */
package com.procledger.projections;
