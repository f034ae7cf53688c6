/** Axon wiring on the PostgreSQL ledger, and waiting for read models to catch up. */
package com.procledger.api.ledger;
