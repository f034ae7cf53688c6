package com.procledger.api.ledger;

import com.procledger.infra.ledger.LedgerEventStorageEngine;
import com.procledger.projections.replay.ReadModelCatchUp;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Sends commands for the web layer: synchronously, with the caller's metadata, and (with {@link #sendAndSettle})
 * returning only once the read models show the change.
 */
@Component
public class Commands {

    /** Metadata key of a command sent in a request with an Idempotency-Key (IdempotencyFilter): its events carry it. */
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";

    private final CommandGateway gateway;
    private final ReadModelCatchUp catchUp;
    private final com.procledger.infra.idempotency.IdempotencyKeys idempotencyKeys;
    private final com.procledger.infra.privacy.Sealer sealer;

    public Commands(CommandGateway gateway, ReadModelCatchUp catchUp,
                    com.procledger.infra.idempotency.IdempotencyKeys idempotencyKeys,
                    com.procledger.infra.privacy.Sealer sealer) {
        this.gateway = gateway;
        this.catchUp = catchUp;
        this.idempotencyKeys = idempotencyKeys;
        this.sealer = sealer;
    }

    /** Metadata keys whose values are personal data of the actor: sealed before they reach the ledger. */
    public static final java.util.List<String> PERSONAL_METADATA = java.util.List.of("clientIp", "userAgent");

    private Map<String, Object> sealed(Map<String, ?> metadata) {
        var copy = new java.util.HashMap<String, Object>(metadata);
        for (String key : PERSONAL_METADATA) {
            if (copy.get(key) instanceof String value) {
                copy.put(key, sealer.seal(metadata.get("actor"), value));
            }
        }
        return copy;
    }

    /**
     * Runs the command in the current transaction, if any; its events are committed with it. In a request with an
     * Idempotency-Key, the command's events carry the key; retrying a request that died, a command whose events the
     * ledger already holds under the key is not sent again (and answers null).
     */
    public <R> R send(Object command, Map<String, ?> plainMetadata) {
        if (command.getClass().getEnclosingClass() == com.procledger.domain.requisition.RequisitionCommands.class
                && org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            // requisitions are cached between commands (LedgerConfiguration): a transaction rolled back after the
            // command would leave the cache ahead of the ledger
            throw new IllegalStateException("requisition commands are never sent inside a transaction");
        }
        LedgerEventStorageEngine.takeCommittedPosition(); // what this thread appended before is not this command's
        Map<String, Object> metadata = sealed(plainMetadata);
        String key = com.procledger.api.http.RequestIds.nextCommandKey();
        if (key == null) {
            return gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metadata));
        }
        if (com.procledger.api.http.RequestIds.recovering() && idempotencyKeys.inLedger(key)) {
            return null;
        }
        var withKey = new java.util.HashMap<String, Object>(metadata);
        withKey.put(IDEMPOTENCY_KEY, key);
        return gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(withKey));
    }

    /**
     * Runs the command (outside any transaction: its events are committed with other commands', and durable when
     * this returns), then waits until every read model has applied its events.
     */
    public <R> R sendAndSettle(Object command, Map<String, ?> metadata) {
        R result = send(command, metadata);
        settle();
        return result;
    }

    /**
     * Waits until every read model has applied what this thread's commands committed last (after a transaction of
     * several commands: once it has committed), or, if nothing is known here, the ledger as it stands.
     */
    public void settle() {
        var position = LedgerEventStorageEngine.takeCommittedPosition();
        if (position.isPresent()) {
            catchUp.await(position.getAsLong());
        } else {
            catchUp.await();
        }
    }
}
