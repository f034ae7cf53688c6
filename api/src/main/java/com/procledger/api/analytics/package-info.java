/** The analytics query API over the spend and approval read models. */
package com.procledger.api.analytics;
