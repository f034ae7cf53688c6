/** Sign-in, bearer tokens, the caller of a request, user registration and the bootstrap operator. */
package com.procledger.api.identity;
