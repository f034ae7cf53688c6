package com.procledger.api.ledger;

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

    private final CommandGateway gateway;
    private final ReadModelCatchUp catchUp;

    public Commands(CommandGateway gateway, ReadModelCatchUp catchUp) {
        this.gateway = gateway;
        this.catchUp = catchUp;
    }

    /** Runs the command in the current transaction, if any; its events are committed with it. */
    public <R> R send(Object command, Map<String, ?> metadata) {
        return gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metadata));
    }

    /** Runs the command, then waits until every read model has applied its events. */
    public <R> R sendAndSettle(Object command, Map<String, ?> metadata) {
        R result = send(command, metadata);
        catchUp.await();
        return result;
    }

    public void settle() {
        catchUp.await();
    }
}
