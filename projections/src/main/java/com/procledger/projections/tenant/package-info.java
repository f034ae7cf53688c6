/** The tenant read model: name, currency, the approval policy in force. */
package com.procledger.projections.tenant;
