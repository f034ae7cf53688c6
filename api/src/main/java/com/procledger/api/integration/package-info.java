/** How other systems reach a tenant's data: API keys, and the tenant's secrets for other systems, encrypted at rest. */
package com.procledger.api.integration;
