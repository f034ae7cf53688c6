/** Every request to tenant data recorded in the ledger before its answer goes out, and the access log API. */
package com.procledger.api.access;
