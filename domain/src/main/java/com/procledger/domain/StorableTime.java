package com.procledger.domain;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The times and dates the service accepts: years 1 to 9999. PostgreSQL's dates end in year 5,874,897 and Java's in
 * 999,999,999; a value beyond what PostgreSQL stores that reached an event would stop the read models that store it.
 */
public final class StorableTime {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    public static final String RULE = "must lie between the years 1 and 9999";

    private StorableTime() {
    }

    public static boolean storable(Instant time) {
        return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
    }

    public static boolean storable(LocalDate date) {
        return date.getYear() >= 1 && date.getYear() <= 9999;
    }
}
