/** The approver inbox: requisitions waiting on a step, by the role that step needs. */
package com.procledger.projections.approval;
