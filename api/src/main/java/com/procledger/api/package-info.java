/** The Spring Boot application: REST controllers, security, errors, wiring of the ledger and read models. */
package com.procledger.api;
