package com.procledger.api.access;

import com.procledger.api.ProcLedgerProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitSettingsTest {

    @Test
    void withoutAThresholdABatchLingersOnlyWhileAsManyRequestsAreUnderwayAsTheMachineHasCores() {
        var access = new ProcLedgerProperties.Access(500, 10_000, Duration.ofMillis(2), 32, null);

        assertThat(access.linger().whileComing()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(access.linger().upTo()).isEqualTo(Duration.ofMillis(2));
        assertThat(access.linger().below()).isEqualTo(32);
    }

    @Test
    void aConfiguredThresholdIsKept() {
        var access = new ProcLedgerProperties.Access(500, 10_000, Duration.ofMillis(1), 8, 1);

        assertThat(access.linger().whileComing()).isEqualTo(1);
    }
}
