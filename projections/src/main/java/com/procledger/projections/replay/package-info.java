/**
 * Replaying the ledger through the read models' own handlers: rebuilds without downtime, time travel ("as of"),
 * the parallel replay both use, the batching JDBC template, read-your-writes (waiting for the read models to catch
 * up) and the events the read models parked.
 */
package com.procledger.projections.replay;
