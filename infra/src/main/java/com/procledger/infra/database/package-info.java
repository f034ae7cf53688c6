/** Where the PostgreSQL server comes from: embedded under the data directory, or external by configuration. */
package com.procledger.infra.database;
