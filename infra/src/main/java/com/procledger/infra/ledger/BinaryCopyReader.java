package com.procledger.infra.ledger;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;

/**
 * Reads PostgreSQL's binary COPY format (header, then per row a 16-bit field count and per field a 32-bit length
 * and its bytes, -1 for null; a count of -1 ends the data), field by field in the order the query selected them.
 */
final class BinaryCopyReader implements AutoCloseable {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** PostgreSQL counts timestamps in microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;

    private final DataInputStream in;

    BinaryCopyReader(InputStream in) throws IOException {
        this.in = new DataInputStream(in);
        byte[] signature = this.in.readNBytes(SIGNATURE.length);
        if (!Arrays.equals(signature, SIGNATURE)) {
            throw new IOException("not a binary COPY stream");
        }
        this.in.readInt(); // flags: none are defined that change the row format
        this.in.skipNBytes(this.in.readInt()); // header extension
    }

    /** Moves to the next row; false at the end of the data. */
    boolean nextRow(int expectedFields) throws IOException {
        short fields = in.readShort();
        if (fields == -1) {
            return false;
        }
        if (fields != expectedFields) {
            throw new IOException("a COPY row has " + fields + " fields, expected " + expectedFields);
        }
        return true;
    }

    /** A field's bytes (text columns: their UTF-8), or null. */
    byte[] bytes() throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }

    long int64() throws IOException {
        Long value = nullableInt64();
        if (value == null) {
            throw new IOException("a NOT NULL bigint column was null");
        }
        return value;
    }

    Long nullableInt64() throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length != 8) {
            throw new IOException("a bigint field has " + length + " bytes");
        }
        return in.readLong();
    }

    /** A {@code timestamptz}: 8 bytes of microseconds since PostgreSQL's epoch. */
    Instant timestamp() throws IOException {
        Long micros = nullableInt64();
        if (micros == null) {
            throw new IOException("a NOT NULL timestamp column was null");
        }
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECOND + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
