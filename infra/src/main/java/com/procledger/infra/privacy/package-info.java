/**
 * Crypto-shredding: the keys of data subjects ({@link com.procledger.infra.privacy.SubjectKeys}) and the sealing of
 * personal data with them ({@link com.procledger.infra.privacy.Sealer}), wired into the ledger's serializer by
 * {@link com.procledger.infra.privacy.SealingModule}. docs/privacy.md lists what is sealed; ADR 0021 says why.
 */
package com.procledger.infra.privacy;
