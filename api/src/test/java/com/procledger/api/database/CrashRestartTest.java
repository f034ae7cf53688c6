package com.procledger.api.database;

import com.procledger.api.ChildService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service is killed with SIGKILL (as {@code kill -9}, an OOM killer or a power cut to the JVM would) and
 * started again on the same data directory, with no hand in between: the embedded PostgreSQL the dead service left
 * running is stopped on the way up, and what was acknowledged before the kill is still there.
 */
class CrashRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void givenAServiceKilledWithSigkill_whenStartedAgainOnItsDataDirectory_thenItServesWhatItAcknowledged() throws Exception {
        List<ChildService> services = new ArrayList<>();
        try {
            var first = ChildService.start(dataDir);
            services.add(first);
            String token = first.signInOperator();
            var created = first.send("POST", "/api/tenants", token,
                    "{\"name\":\"Crash Ltd\",\"currency\":\"EUR\",\"admin\":{\"email\":\"ada@crash.test\",\"name\":\"Ada\","
                            + "\"password\":\"a-long-enough-password\"}}");
            assertThat(created.statusCode()).isEqualTo(201);

            long postmasterPid = postmasterPid();
            first.kill(); // SIGKILL: no shutdown hook runs
            assertThat(first.process.isAlive()).isFalse();
            assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive)).as("the orphaned postmaster")
                    .contains(true);

            var second = ChildService.start(dataDir);
            services.add(second);
            assertThat(ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            var signIn = second.send("POST", "/api/auth/token", null,
                    "{\"email\":\"ada@crash.test\",\"password\":\"a-long-enough-password\"}");
            assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        } finally {
            for (ChildService service : services) {
                service.kill();
            }
        }
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).getFirst().strip());
    }
}
