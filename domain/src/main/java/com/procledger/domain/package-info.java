/** The procurement domain: aggregates, commands, events and policies, in plain Java plus Axon annotations. */
package com.procledger.domain;
