package com.procledger.domain.requisition;

/** Where a requisition stands. SUBMITTED means waiting on an approval step. */
public enum RequisitionStatus {
    DRAFT, SUBMITTED, APPROVED, REJECTED, CANCELLED
}
