/** The requisition lifecycle: raise, submit, approve or reject, cancel. */
package com.procledger.domain.requisition;
