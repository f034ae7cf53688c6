/** Read models: projections that turn ledger events into PostgreSQL tables, and the queries that read them. */
package com.procledger.projections;
