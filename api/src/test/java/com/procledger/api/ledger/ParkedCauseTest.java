package com.procledger.api.ledger;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** A parked event keeps its cause without the row values PostgreSQL appends to it (they may be personal data). */
class ParkedCauseTest {

    @Test
    void theRootCausesFirstLineIsKeptAndTheFailingRowIsNot() {
        var root = new SQLException("ERROR: new row for relation \"requisition_view\" violates check constraint \"t\"\n"
                + "  Detail: Failing row contains (7, Erin Example, erin@example.test, my knee surgery).");
        var wrapped = new IllegalStateException("PreparedStatementCallback; SQL [INSERT ...]", root);
        String summary = DeadLetters.ParkedCause.summary(wrapped);
        assertThat(summary).isEqualTo("SQLException: ERROR: new row for relation \"requisition_view\" violates check "
                + "constraint \"t\"").doesNotContain("Erin", "erin@example.test", "knee");
        assertThat(new DeadLetters.ParkedCause(wrapped).getMessage()).isEqualTo(summary);
        assertThat(DeadLetters.ParkedCause.summary(new IllegalArgumentException())).isEqualTo("IllegalArgumentException: ");
    }
}
