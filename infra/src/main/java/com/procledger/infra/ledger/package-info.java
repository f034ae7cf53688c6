/** The ledger: the append-only PostgreSQL event table behind Axon, with per-tenant gapless sequences. */
package com.procledger.infra.ledger;
