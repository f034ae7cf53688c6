/** Requisition list, detail and history read models. */
package com.procledger.projections.requisition;
