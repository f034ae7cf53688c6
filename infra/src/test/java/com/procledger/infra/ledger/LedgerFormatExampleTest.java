package com.procledger.infra.ledger;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/ledger-format.md's worked example is what the code computes, and the document says so. */
class LedgerFormatExampleTest {

    static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final LedgerRecord FIRST = new LedgerRecord(TENANT, 1, "e1", "Tenant", "t1", 0L, "TenantCreated", null,
            Instant.parse("2026-11-21T12:00:00.123456Z"), "{}", "{\"name\":\"Acme\"}", null, null);
    static final LedgerRecord SECOND = new LedgerRecord(TENANT, 2, "e2", "Tenant", "t1", 1L, "TenantRenamed", null,
            Instant.parse("2026-11-21T12:00:01Z"), "{}", "{\"name\":\"Acme Ltd\"}", null, null);

    static final String CANONICAL = "504c56310000002430303030303030302d303030302d303030302d303030302d3030303030303030"
            + "3030306100000001310000000265310000000654656e616e7400000002743100000001300000000d54656e616e74437265617465"
            + "64ffffffff0000001b323032362d31312d32315431323a30303a30302e3132333435365a000000027b7d0000000f7b226e616d65"
            + "223a2241636d65227d";
    static final String FIRST_HASH = "effa6cefe42b2295ee95c519ed87d599ddb47f48756bc2bd67fd674f974523d4";
    static final String SECOND_HASH = "41882a7a57eee32aa4041459ad8eb9648e26ed86a69d235f9d7f5a5ec9ecd2c7";

    @Test
    void theWorkedExampleMatchesTheCode() {
        byte[] canonical = LedgerHashing.canonical(FIRST);
        assertThat(canonical).hasSize(153);
        assertThat(HexFormat.of().formatHex(canonical)).isEqualTo(CANONICAL);
        byte[] first = LedgerHashing.hash(LedgerHashing.GENESIS, FIRST);
        assertThat(LedgerHashing.hex(first)).isEqualTo(FIRST_HASH);
        assertThat(LedgerHashing.hex(LedgerHashing.hash(first, SECOND))).isEqualTo(SECOND_HASH);
    }

    @Test
    void theDocumentShowsTheseExactValues() throws Exception {
        String doc = Files.readString(Path.of("../docs/ledger-format.md"));
        assertThat(doc).contains(CANONICAL, FIRST_HASH, SECOND_HASH, "canonical(event), 153 bytes");
    }

    @Test
    void timesHaveSixFractionDigitsAsTheFormatterWrites() {
        for (String text : new String[]{"2026-11-21T12:00:00Z", "1999-01-02T03:04:05.000007Z", "2026-11-21T23:59:59.999999Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(LedgerHashing.time(instant)).isEqualTo(LedgerHashing.TIME.format(instant)).hasSize(27);
        }
    }

    @Test
    void nullAndEmptyFieldsAreDifferentBytes() {
        var withNull = FIRST;
        var withEmpty = new LedgerRecord(TENANT, 1, "e1", "Tenant", "t1", 0L, "TenantCreated", "",
                FIRST.occurredAt(), "{}", "{\"name\":\"Acme\"}", null, null);
        assertThat(LedgerHashing.hash(LedgerHashing.GENESIS, withNull))
                .isNotEqualTo(LedgerHashing.hash(LedgerHashing.GENESIS, withEmpty));
    }
}
