/** Approval policies: which steps a requisition must pass, decided by pure functions. */
package com.procledger.domain.approval;
