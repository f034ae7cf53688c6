/** What is kept of requests sent with an Idempotency-Key, so that a repeat gets the first answer. */
package com.procledger.infra.idempotency;
