package com.procledger.infra.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * The hash chain, byte for byte as docs/ledger-format.md specifies it:
 * {@code hash = SHA-256(prev_hash || canonical(row))}, the first event of a tenant chaining from 32 zero bytes.
 * The canonical form is the magic {@code PLV1} followed by eleven fields, each a 4-byte big-endian length and its
 * UTF-8 bytes (a null field is the length 0xFFFFFFFF and no bytes).
 */
public final class LedgerHashing {

    public static final byte[] GENESIS = new byte[32];
    private static final byte[] MAGIC = "PLV1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_FIELD = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    /** ISO-8601 UTC with exactly six fraction digits, as PostgreSQL keeps timestamps. */
    public static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 6, 6, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(LedgerHashing::sha256);

    private LedgerHashing() {
    }

    public static byte[] canonical(LedgerRecord record) {
        byte[][] fields = fields(record);
        int size = MAGIC.length;
        for (byte[] field : fields) {
            size += 4 + (field == null ? 0 : field.length);
        }
        var out = new ByteArrayOutputStream(size);
        encode(fields, out::writeBytes);
        return out.toByteArray();
    }

    /** SHA-256 over prev_hash and the canonical bytes of {@code record}. */
    public static byte[] hash(byte[] prevHash, LedgerRecord record) {
        return hash(prevHash, fields(record));
    }

    /** SHA-256 over prev_hash and the canonical form of eleven fields given as UTF-8 bytes, fed as they come. */
    static byte[] hash(byte[] prevHash, byte[][] fields) {
        MessageDigest sha256 = DIGESTS.get();
        sha256.reset();
        sha256.update(prevHash);
        encode(fields, sha256::update);
        return sha256.digest();
    }

    /**
     * The one definition of which fields are hashed, in which order and how each is written as text. A reader that
     * takes the bytes straight from the database ({@link LedgerReader.Snapshot#forEachLink}) produces the same
     * arrays; {@code LedgerReaderTest} holds the two to each other.
     */
    static byte[][] fields(LedgerRecord r) {
        return new byte[][]{
                utf8(r.tenantId().toString()),
                utf8(Long.toString(r.ledgerSeq())),
                utf8(r.eventId()),
                utf8(r.aggregateType()),
                utf8(r.aggregateId()),
                utf8(r.aggregateSeq() == null ? null : Long.toString(r.aggregateSeq())),
                utf8(r.eventType()),
                utf8(r.eventRevision()),
                utf8(time(r.occurredAt())),
                utf8(r.metadata()),
                utf8(r.payload())};
    }

    static final int FIELD_COUNT = 11;

    /** The canonical form: the magic, then each field as a 4-byte big-endian length and its bytes. */
    private static void encode(byte[][] fields, Consumer<byte[]> out) {
        if (fields.length != FIELD_COUNT) {
            throw new IllegalArgumentException("the canonical form has " + FIELD_COUNT + " fields, not " + fields.length);
        }
        out.accept(MAGIC);
        byte[] length = new byte[4];
        for (byte[] field : fields) {
            if (field == null) {
                out.accept(NULL_FIELD);
            } else {
                int n = field.length;
                length[0] = (byte) (n >>> 24);
                length[1] = (byte) (n >>> 16);
                length[2] = (byte) (n >>> 8);
                length[3] = (byte) n;
                out.accept(length); // both consumers copy what they are given, so one buffer serves every field
                out.accept(field);
            }
        }
    }

    static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #TIME}'s format, written out by hand: it runs once per event when a chain is verified. */
    public static String time(Instant instant) {
        var t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return TIME.format(instant);
        }
        var text = new StringBuilder(27);
        pad(text, t.getYear(), 4).append('-');
        pad(text, t.getMonthValue(), 2).append('-');
        pad(text, t.getDayOfMonth(), 2).append('T');
        pad(text, t.getHour(), 2).append(':');
        pad(text, t.getMinute(), 2).append(':');
        pad(text, t.getSecond(), 2).append('.');
        return pad(text, instant.getNano() / 1000, 6).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        return hex == null ? null : HexFormat.of().parseHex(hex);
    }

    static MessageDigest sha256() {
        return com.procledger.infra.crypto.Sha256.digest();
    }
}
