/**
 * The ledger over HTTP and on the command line (verify, export, checkpoints, keys, rebuilds, parked events), and the
 * Axon wiring on the PostgreSQL ledger: storage engine, processors, their dead-letter queues, sending commands.
 * Replay itself (rebuilds, time travel, read-your-writes) lives with the read models, in projections' replay package.
 */
package com.procledger.api.ledger;
