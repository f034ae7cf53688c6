/** Personal data in events: which fields are a data subject's, and what stands in for them once the subject is erased. */
package com.procledger.domain.privacy;
