package com.procledger.infra.ledger;

import org.axonframework.common.IdentifierFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TimeOrderedIdentifiersTest {

    @Test
    void axonFindsItAndEveryMessageGetsATimeOrderedUuid() {
        assertThat(IdentifierFactory.getInstance()).isInstanceOf(TimeOrderedIdentifiers.class);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(new GenericEventMessage<>("payload " + i).getIdentifier());
        }
        for (String id : ids) {
            assertThat(UUID.fromString(id).version()).as(id).isEqualTo(7);
            assertThat(UUID.fromString(id).variant()).as(id).isEqualTo(2);
        }
        // made one after another (many in the same millisecond), they sort in the order they were made
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        long millis = Long.parseLong(ids.getFirst().replace("-", "").substring(0, 12), 16);
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }
}
