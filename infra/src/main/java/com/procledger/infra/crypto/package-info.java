/** Cryptographic building blocks shared by the ledger and identity: the one SHA-256. */
package com.procledger.infra.crypto;
