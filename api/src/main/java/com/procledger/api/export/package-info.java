/** Exports of read models as CSV (RFC 4180) and NDJSON, streamed in constant memory. */
package com.procledger.api.export;
