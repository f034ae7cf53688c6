/** Breach-investigation timelines from the ledger: a tenant's (COMPLIANCE) and across tenants (OPERATOR). */
package com.procledger.api.investigation;
