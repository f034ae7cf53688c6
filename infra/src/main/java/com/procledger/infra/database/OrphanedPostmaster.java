package com.procledger.infra.database;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A postmaster whose service died without stopping it ({@code kill -9}, a crash, an OOM kill). Such a postmaster
 * lives on and holds the data directory, so every restart would fail until someone killed it by hand.
 *
 * <p>Whether its owner is gone is told by the lock file zonky's embedded PostgreSQL keeps in the data directory: a
 * running service holds an OS lock on it, and the kernel releases that lock when the process dies, however it dies.
 * When the lock can be taken and {@code postmaster.pid} names a live postgres of this directory, that postmaster is
 * an orphan: it is asked to shut down (SIGTERM; its clients are gone with their process), and killed if it will not.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
    private static final String LOCK_FILE = "epg-lock";
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private OrphanedPostmaster() {
    }

    static void stopIfAny(Path directory) throws IOException {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (var channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("another ProcLedger, still running, uses the data directory " + directory);
            }
            try {
                postmaster(pidFile, directory).ifPresent(OrphanedPostmaster::stop);
            } finally {
                lock.release();
            }
        }
    }

    /** The live postgres process that postmaster.pid names, if it serves this directory. */
    private static Optional<ProcessHandle> postmaster(Path pidFile, Path directory) throws IOException {
        var lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.getFirst().strip()))
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
                .filter(process -> process.info().arguments()
                        .map(arguments -> Arrays.asList(arguments).contains(directory.toString())).orElse(false));
    }

    private static void stop(ProcessHandle postmaster) {
        log.warn("A PostgreSQL server (pid {}) was left running in this data directory by a ProcLedger that is gone;"
                + " stopping it", postmaster.pid());
        postmaster.destroy();
        if (!waitForExit(postmaster)) {
            log.warn("PostgreSQL (pid {}) did not shut down within {}; killing it", postmaster.pid(), SHUTDOWN_WAIT);
            postmaster.destroyForcibly();
            if (!waitForExit(postmaster)) {
                throw new IllegalStateException("could not stop the PostgreSQL server left running (pid "
                        + postmaster.pid() + ")");
            }
        }
    }

    private static boolean waitForExit(ProcessHandle process) {
        try {
            process.onExit().get(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
