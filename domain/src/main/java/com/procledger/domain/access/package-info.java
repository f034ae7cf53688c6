/** Who touched which data, when, from where, and whether it was allowed: access is a fact in the ledger. */
package com.procledger.domain.access;
