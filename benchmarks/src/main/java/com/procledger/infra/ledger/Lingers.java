package com.procledger.infra.ledger;

/** Changes a group commit's linger at run time, for the benchmark that compares lingers in one run. */
public final class Lingers {

    private Lingers() {
    }

    public static void set(GroupCommit writer, GroupCommit.Linger linger) {
        writer.linger(linger);
    }
}
