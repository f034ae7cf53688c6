/**
 * Who may sign in and how: refresh-token families and revocations, TOTP and recovery codes, the sign-in throttle,
 * the token-signing key, API keys and the common-password list, each with its store. The web layer maps HTTP to them.
 */
package com.procledger.infra.identity;
