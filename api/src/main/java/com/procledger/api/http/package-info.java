/** HTTP concerns shared by every endpoint: problem details, body limits, idempotency keys, ETags. */
package com.procledger.api.http;
