/** Users, their roles and their membership in exactly one tenant. */
package com.procledger.domain.identity;
