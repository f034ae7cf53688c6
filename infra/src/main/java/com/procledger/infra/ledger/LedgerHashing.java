package com.procledger.infra.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        var out = new ByteArrayOutputStream(256 + (record.payload() == null ? 0 : record.payload().length() + 64));
        encode(record, out::writeBytes);
        return out.toByteArray();
    }

    /** SHA-256 over prev_hash and the canonical bytes, fed to the digest as they are produced. */
    public static byte[] hash(byte[] prevHash, LedgerRecord record) {
        MessageDigest sha256 = DIGESTS.get();
        sha256.reset();
        sha256.update(prevHash);
        encode(record, sha256::update);
        return sha256.digest();
    }

    /** The one definition of the canonical form: the magic, then the eleven fields in order. */
    private static void encode(LedgerRecord r, Consumer<byte[]> out) {
        out.accept(MAGIC);
        field(out, r.tenantId().toString());
        field(out, Long.toString(r.ledgerSeq()));
        field(out, r.eventId());
        field(out, r.aggregateType());
        field(out, r.aggregateId());
        field(out, r.aggregateSeq() == null ? null : Long.toString(r.aggregateSeq()));
        field(out, r.eventType());
        field(out, r.eventRevision());
        field(out, time(r.occurredAt()));
        field(out, r.metadata());
        field(out, r.payload());
    }

    private static void field(Consumer<byte[]> out, String value) {
        if (value == null) {
            out.accept(NULL_FIELD);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        out.accept(new byte[]{(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.accept(bytes);
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
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
