/** Secrets at rest: the Tink keyset sealed by the key-encryption key, and tenant secrets sealed with it. */
package com.procledger.infra.secrets;
