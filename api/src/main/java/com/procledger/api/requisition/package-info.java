/** Requisitions and the approver inbox over REST. */
package com.procledger.api.requisition;
