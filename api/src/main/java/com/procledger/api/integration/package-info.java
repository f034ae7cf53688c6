/** How other systems reach a tenant: API keys and tenant secrets over HTTP (their stores are in infra). */
package com.procledger.api.integration;
