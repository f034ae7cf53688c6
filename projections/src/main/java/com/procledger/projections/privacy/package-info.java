/** What the ledger holds about one data subject, read for their subject-access export. */
package com.procledger.projections.privacy;
