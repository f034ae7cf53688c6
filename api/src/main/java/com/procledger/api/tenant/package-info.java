/** Tenants, their users and their approval policy over REST. */
package com.procledger.api.tenant;
