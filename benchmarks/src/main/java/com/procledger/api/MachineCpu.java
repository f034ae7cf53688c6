package com.procledger.api;

import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's CPU as Linux counts it (/proc/stat), for the benchmarks' "how busy was it" figures. */
public final class MachineCpu {

    private MachineCpu() {
    }

    /**
     * Busy, idle (with iowait), this JVM's, iowait, steal and this JVM's system ticks so far, from /proc; null where
     * there is no /proc.
     */
    public static long[] ticks() {
        try {
            String[] machine = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < machine.length; i++) {
                if (i != 4 && i != 5 && i != 8) { // idle, iowait, steal
                    busy += Long.parseLong(machine[i]);
                }
            }
            long idle = Long.parseLong(machine[4]) + Long.parseLong(machine[5]);
            long iowait = Long.parseLong(machine[5]);
            long steal = machine.length > 8 ? Long.parseLong(machine[8]) : 0;
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = self.substring(self.lastIndexOf(')') + 2).split(" ");
            long jvm = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            long jvmSystem = Long.parseLong(fields[12]);
            return new long[] {busy, idle, jvm, iowait, steal, jvmSystem};
        } catch (Exception e) {
            return null;
        }
    }

    /** How idle the machine was between two {@link #ticks} readings, in percent (NaN when unknown). */
    public static double idlePercent(long[] before, long[] after) {
        if (before == null || after == null) {
            return Double.NaN;
        }
        double all = (after[0] - before[0]) + (after[1] - before[1]) + (after[4] - before[4]);
        return 100.0 * (after[1] - before[1]) / all;
    }
}
