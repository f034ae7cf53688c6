/** The user accounts read model, used for sign-in and the tenant user list. */
package com.procledger.projections.identity;
