/**
 * Sign-in and bearer tokens over HTTP, Spring Security wiring, the caller of a request, user registration and the
 * bootstrap operator. The stores behind them (refresh tokens, revocations, TOTP, throttle, API keys) are in
 * infra/identity.
 */
package com.procledger.api.identity;
