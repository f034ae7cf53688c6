/** Customer organisations and their settings, including the approval policy in force. */
package com.procledger.domain.tenant;
