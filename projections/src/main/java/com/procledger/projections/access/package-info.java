/** The access log: who accessed which tenant data, as recorded in the ledger. */
package com.procledger.projections.access;
