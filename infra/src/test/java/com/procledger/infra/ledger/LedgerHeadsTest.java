package com.procledger.infra.ledger;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerHeadsTest {

    static final UUID A = UUID.randomUUID();
    static final UUID B = UUID.randomUUID();

    static LedgerHeads.Head head(long seq) {
        return new LedgerHeads.Head(seq, new byte[]{(byte) seq});
    }

    @Test
    void nothingIsKnownBeforeACommit() {
        assertThat(new LedgerHeads().known(Set.of(A))).isNull();
    }

    @Test
    void aCommitThatFollowsOnExtendsWhatIsKnown() {
        var heads = new LedgerHeads();
        heads.committed(10, 12, Map.of(A, head(5)));
        heads.committed(12, 13, Map.of(B, head(1)));
        var known = heads.known(Set.of(A, B));
        assertThat(known.position()).isEqualTo(13);
        assertThat(known.heads().get(A).seq()).isEqualTo(5);
        assertThat(known.heads().get(B).seq()).isEqualTo(1);
    }

    @Test
    void aCommitAfterSomeoneElsesKeepsOnlyItsOwnTenants() {
        var heads = new LedgerHeads();
        heads.committed(10, 12, Map.of(A, head(5)));
        heads.committed(14, 15, Map.of(B, head(2))); // positions 13 and 14 were appended elsewhere
        assertThat(heads.known(Set.of(A))).as("A may have moved in between").isNull();
        assertThat(heads.known(Set.of(B)).position()).isEqualTo(15);
    }

    @Test
    void aCommitReportedLateIsIgnored() {
        var heads = new LedgerHeads();
        heads.committed(10, 12, Map.of(A, head(5)));
        heads.committed(13, 14, Map.of(B, head(2))); // committed after the late one below, reported first
        heads.committed(12, 13, Map.of(A, head(6)));
        assertThat(heads.known(Set.of(B)).position()).isEqualTo(14);
        assertThat(heads.known(Set.of(A))).as("the late report must not bring back A at 6 as of 14").isNull();
    }

    @Test
    void forgettingLeavesNothingKnown() {
        var heads = new LedgerHeads();
        heads.committed(10, 12, Map.of(A, head(5)));
        heads.forget();
        assertThat(heads.known(Set.of(A))).isNull();
    }

    @Test
    void headsReadFromTheDatabaseAddToWhatIsKnownOnlyWhereTheyAgreeWithIt() {
        var heads = new LedgerHeads();
        heads.committed(0, 5, Map.of(A, head(5)));
        heads.learnt(5, Map.of(B, head(2))); // the same position: B is added, A still known
        assertThat(heads.known(Set.of(A, B)).heads()).containsOnlyKeys(A, B);
        heads.learnt(9, Map.of(B, head(3))); // someone else appended: what was known of A may be stale
        assertThat(heads.known(Set.of(A))).isNull();
        assertThat(heads.known(Set.of(B)).position()).isEqualTo(9);
        assertThat(heads.known(Set.of(B)).heads().get(B).seq()).isEqualTo(3);
    }

}
