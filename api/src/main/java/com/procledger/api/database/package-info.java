/** Choosing the database: embedded under the data directory, or an external PostgreSQL. */
package com.procledger.api.database;
