package com.procledger.api;

import com.procledger.domain.access.AccessEvent.AccessOutcome;
import com.procledger.domain.access.AccessEvent.AccessRecorded;
import com.procledger.domain.approval.ApprovalStep;
import com.procledger.domain.identity.Role;
import com.procledger.domain.requisition.RequisitionEvent.ApprovalStepApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionApproved;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionRaised;
import com.procledger.domain.requisition.RequisitionEvent.RequisitionSubmitted;
import com.procledger.domain.requisition.RequisitionLine;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The real service for the benchmarks (never for tests): embedded PostgreSQL in a temporary data directory, plain
 * HTTP on a free port, rate limits out of reach, a tenant with an admin. Deleted again on {@link #close}.
 */
final class BenchService implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final ConfigurableApplicationContext context;
    final String base;
    final String password = "bench-password-" + UUID.randomUUID();
    final String tenant;
    final String admin;
    private final Path dir;

    BenchService(String name) throws Exception {
        dir = Files.createTempDirectory("procledger-" + name + "-bench-");
        // the service, plus the switchable access recorder of the benchmark that measures what recording costs
        context = SpringApplication.run(new Class<?>[]{ProcLedgerApplication.class,
                        com.procledger.api.access.SwitchableAccessRecorder.Configuration.class}, new String[]{
                "--procledger.data-dir=" + dir, "--server.port=0", "--procledger.bootstrap-password=" + password,
                "--logging.level.root=WARN",
                "--procledger.http.tls.plain=true",
                // the benchmarks measure the service, not the rate limits that would stop their clients
                "--procledger.rate-limit.per-token=1000000000", "--procledger.rate-limit.per-ip=1000000000"});
        base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
        String operator = token("operator@procledger.local");
        tenant = send("POST", "/api/tenants", operator, Map.of("name", "Bench", "currency", "EUR",
                "admin", Map.of("email", "admin@bench.test", "name", "Admin", "password", password))).get("id").asString();
        admin = token("admin@bench.test");
    }

    /** A user of the bench tenant with these roles, signed in. */
    String user(String email, String... roles) throws Exception {
        send("POST", "/api/tenants/" + tenant + "/users", admin, Map.of("email", email, "name", email,
                "password", password, "roles", List.of(roles)));
        return token(email);
    }

    String token(String email) throws Exception {
        return send("POST", "/api/auth/token", null, Map.of("email", email, "password", password))
                .get("access_token").asString();
    }

    JsonNode send(String method, String path, String token, Object body) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        var response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * Appends {@code events} business events straight through the ledger's storage engine, 999 to a transaction
     * (hash chain, ledger_seq and all), spread over {@code tenants}: a third each raising, submitting and approving
     * requisitions (every other one by a step approval, the rest by the final approval). Returns the requisition
     * raised halfway.
     */
    UUID appendRequisitions(List<UUID> tenants, int events) {
        var engine = context.getBean(com.procledger.infra.ledger.LedgerEventStorageEngine.class);
        var transactions = new org.springframework.transaction.support.TransactionTemplate(
                context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
        UUID requester = UUID.randomUUID();
        var route = List.of(new ApprovalStep("Approval", Role.APPROVER, BigDecimal.ZERO));
        Map<String, Object> meta = Map.of("actor", requester.toString());
        List<EventMessage<?>> batch = new ArrayList<>();
        UUID halfway = null;
        for (int i = 0; i < events / 3; i++) {
            UUID id = UUID.randomUUID();
            UUID tenant = tenants.get(i % tenants.size());
            halfway = halfway == null && i >= events / 6 ? id : halfway;
            BigDecimal price = new BigDecimal(10 + i % 90);
            batch.add(new GenericDomainEventMessage<>("Requisition", id.toString(), 0, new RequisitionRaised(id, tenant,
                    requester, "Requisition " + i, "Department " + (i % 5), "Vendor " + (i % 50), "EUR", null, null,
                    List.of(new RequisitionLine("Item " + i, "Category " + (i % 7), BigDecimal.ONE, price)), price), meta));
            batch.add(new GenericDomainEventMessage<>("Requisition", id.toString(), 1,
                    new RequisitionSubmitted(id, tenant, requester, 1, route), meta));
            batch.add(new GenericDomainEventMessage<>("Requisition", id.toString(), 2, i % 2 == 0
                    ? new ApprovalStepApproved(id, tenant, 0, "Approval", Role.APPROVER, requester, null)
                    : new RequisitionApproved(id, tenant, price, "EUR"), meta));
            if (batch.size() >= 999 || i == events / 3 - 1) {
                var toAppend = List.copyOf(batch);
                transactions.executeWithoutResult(status -> engine.appendEvents(toAppend));
                batch.clear();
            }
        }
        return halfway;
    }

    /** Appends {@code events} access events (reads of requisitions, one in ten a denial) over the tenants. */
    void appendAccessEvents(List<UUID> tenants, int events) {
        var engine = context.getBean(com.procledger.infra.ledger.LedgerEventStorageEngine.class);
        var transactions = new org.springframework.transaction.support.TransactionTemplate(
                context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
        List<EventMessage<?>> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            UUID actor = new UUID(7, i % 500);
            boolean denied = i % 10 == 0;
            batch.add(GenericEventMessage.asEventMessage(new AccessRecorded(tenants.get(i % tenants.size()),
                    actor.toString(), actor.toString(), "requisition.read", "/api/tenants/t/requisitions/" + new UUID(8, i), null,
                    denied ? AccessOutcome.DENIED : AccessOutcome.ALLOWED, denied ? 403 : 200, "10.0." + (i % 200) + ".7",
                    "bench/1.0", "correlation-" + i, "token-" + (i % 500))).andMetaData(Map.of("actor", actor.toString())));
            if (batch.size() >= 1000 || i == events - 1) {
                var toAppend = List.copyOf(batch);
                transactions.executeWithoutResult(status -> engine.appendEvents(toAppend));
                batch.clear();
            }
        }
    }

    @Override
    public void close() throws Exception {
        context.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Waits until every live processor has handled all of the ledger's business events (they do not follow access
     * events, ADR 0013); returns the seconds it took.
     */
    double awaitProcessors() throws InterruptedException {
        long head = context.getBean(com.procledger.infra.ledger.LedgerEventStorageEngine.class)
                .headPosition(com.procledger.infra.ledger.LedgerEventStorageEngine.Tracked.BUSINESS);
        var jdbc = context.getBean(org.springframework.jdbc.core.JdbcTemplate.class);
        long start = System.nanoTime();
        while (jdbc.queryForObject("SELECT min((regexp_match(convert_from(token, 'UTF8'), '\\d+'))[1]::bigint) "
                + "FROM tokenentry", Long.class) < head) {
            Thread.sleep(1000);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** {machine busy, machine idle, this JVM} in clock ticks (Linux /proc), or null elsewhere. */
    /**
     * Reads a streamed answer to its end: {@code {bytes, records}}. Records end in CRLF in CSV (a bare LF is
     * inside a field) and in LF in NDJSON (where a newline in a value is written {@code \n}).
     */
    static long[] readRecords(java.io.InputStream stream, boolean csv) throws java.io.IOException {
        long bytes = 0;
        long records = 0;
        byte previous = 0;
        byte[] buffer = new byte[1 << 16];
        try (java.io.InputStream body = stream) {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n' && (!csv || previous == '\r')) {
                        records++;
                    }
                    previous = buffer[i];
                }
            }
        }
        return new long[]{bytes, records};
    }

    /**
     * This JVM's threads so far, from one pass over /proc/self/task: CPU ticks by kind of thread (the name with its
     * numbers left out: all Tomcat workers count as one, so do all GC threads), and context switches (voluntary and
     * not) in all and of the group commit's writer. Threads that ended are missing; in a round, few do.
     */
    record Threads(Map<String, Long> ticks, long switches, long writerSwitches) {
    }

    static Threads threads() {
        Map<String, Long> ticks = new TreeMap<>();
        long all = 0;
        long writer = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(comm.replaceAll("[0-9]+", "#"), Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                    long switches = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    all += switches;
                    if (comm.equals("ledger-group-co")) { // comm keeps 15 characters of the name
                        writer += switches;
                    }
                } catch (Exception gone) {
                    // a thread that ended meanwhile
                }
            }
            return new Threads(ticks, all, writer);
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * CPU per unit of work, in ms: this JVM (service and clients) and everything else (mostly PostgreSQL); and how
     * idle the machine was (of which waiting for the disk), and how much time the virtual machine's host took
     * (steal: a busy neighbour, which slows a round down without any work of ours).
     */
    static String cpuPer(String unit, long[] before, long[] after, long requests) {
        if (before == null || after == null || requests == 0) {
            return "";
        }
        double msPerTick = 10.0; // USER_HZ is 100 on Linux
        double jvm = (after[2] - before[2]) * msPerTick / requests;
        double jvmSystem = (after[5] - before[5]) * msPerTick / requests;
        double others = ((after[0] - before[0]) - (after[2] - before[2])) * msPerTick / requests;
        double all = (after[0] - before[0]) + (after[1] - before[1]) + (after[4] - before[4]);
        double idle = 100.0 * (after[1] - before[1]) / all;
        double iowait = 100.0 * (after[3] - before[3]) / all;
        double steal = 100.0 * (after[4] - before[4]) / all;
        return String.format(Locale.ROOT, "; CPU ms/%s: JVM %.3f (in the kernel %.3f), rest %.3f; machine idle %.0f%% "
                        + "(iowait %.0f%%), steal %.0f%%", unit, jvm, jvmSystem, others, idle, iowait, steal);
    }

    /** The median and 99th percentile, in ms, of the latencies (ns) of a round's clients; NaN for none. */
    static double[] p50p99(List<long[]> latencies) {
        long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        if (all.length == 0) {
            return new double[]{Double.NaN, Double.NaN};
        }
        return new double[]{all[all.length / 2] / 1e6,
                all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6};
    }

    /**
     * A round's clock, CPU and thread readings: taken when the round starts, read again once its clients are done,
     * with the p50 and p99 of their latencies.
     */
    static final class Measured {
        final long[] cpuBefore = MachineCpu.ticks();
        final Threads threadsBefore = threads();
        final long start = System.nanoTime();
        long[] cpuAfter;
        Threads threadsAfter;
        double elapsed;
        double p50;
        double p99;

        /** Waits for the round's clients, shuts their pool down and takes the readings. */
        Measured finish(List<java.util.concurrent.Future<?>> clients, java.util.concurrent.ExecutorService pool,
                        List<long[]> latencies) throws Exception {
            for (var client : clients) {
                client.get();
            }
            pool.shutdown();
            elapsed = (System.nanoTime() - start) / 1e9;
            cpuAfter = MachineCpu.ticks();
            threadsAfter = threads();
            double[] percentiles = p50p99(latencies);
            p50 = percentiles[0];
            p99 = percentiles[1];
            return this;
        }
    }

    /**
     * How many events of a round each commit carried, counted in the ledger itself (one transaction id per commit):
     * {@code "; 4.2 <what> per commit"}, or empty when the round committed none.
     */
    static String eventsPerCommit(org.springframework.jdbc.core.JdbcTemplate jdbc, String what, String where,
                                  Object... arguments) {
        return jdbc.query("SELECT count(*), count(DISTINCT xmin::text) FROM ledger_events WHERE " + where, rs -> {
            rs.next();
            return rs.getLong(2) == 0 ? "" : String.format(Locale.ROOT, "; %.1f %s per commit",
                    rs.getDouble(1) / rs.getLong(2), what);
        }, arguments);
    }

    /** Each kind of JVM thread's CPU ms per request between two {@link #threads} readings (empty when unknown). */
    static Map<String, Double> threadMsPerRequest(Threads before, Threads after, long requests) {
        Map<String, Double> threadMs = new TreeMap<>();
        if (before != null && after != null) {
            after.ticks().forEach((name, ticks) -> threadMs.put(name,
                    (ticks - before.ticks().getOrDefault(name, 0L)) * 10.0 / Math.max(1, requests))); // USER_HZ 100
        }
        return threadMs;
    }

    /** The mean per kind of thread over rounds' {@link #threadMsPerRequest} figures. */
    static Map<String, Double> meanThreadMs(List<Map<String, Double>> rounds) {
        Map<String, Double> sums = new TreeMap<>();
        rounds.forEach(round -> round.forEach((name, ms) -> sums.merge(name, ms / rounds.size(), Double::sum)));
        return sums;
    }

    static double median(double[] figures) {
        double[] sorted = java.util.Arrays.stream(figures).sorted().toArray();
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

}
