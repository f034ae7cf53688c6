/** Spend and approval analytics: committed and pending spend, cycle times per step, approver workload. */
package com.procledger.projections.analytics;
