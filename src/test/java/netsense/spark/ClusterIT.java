package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Spark standalone cluster on this machine, started by {@code jobs/cluster}: the job
 * submitted through {@code jobs/gradients --master spark://...} (SparkSubmit, client mode, the
 * shaded application jar shipped to executors in their own JVMs) gives what a local run gives,
 * and survives an executor killed with SIGKILL halfway through.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT extends SparkTestBase {
    static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));
    static final int ROWS = 3000;

    static Path work;
    static Path state;
    static String master;

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory("netsense-cluster-it");
        state = work.resolve("state");
        int port = freePort();
        int webui = freePorts(3);
        long t0 = System.nanoTime();
        Run r = run(List.of("jobs/cluster", "start", "--workers", "2", "--cores", "1", "--memory", "1g",
                "--port", String.valueOf(port), "--webui-port", String.valueOf(webui), "--state", state.toString()), 120);
        assertEquals(0, r.status, r.output);
        master = "spark://127.0.0.1:" + port;
        System.err.printf("cluster IT: started a master and 2 workers in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (state != null && !clusterProcesses().isEmpty()) {
            run(List.of("jobs/cluster", "stop", "--state", state.toString()), 60);
        }
    }

    record Run(int status, String output) {}

    static Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = start(command);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(p.exitValue(), Files.readString(work.resolve("last-command.log")));
    }

    static Process start(List<String> command) throws IOException {
        Path log = work.resolve("last-command.log");
        return new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The first of n consecutive free ports. */
    static int freePorts(int n) throws IOException {
        Random rnd = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + rnd.nextInt(20000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }

    /** Every live process started from this cluster's state folder (daemons and executors). */
    static List<ProcessHandle> clusterProcesses() {
        String marker = state.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    static List<ProcessHandle> executors() {
        return clusterProcesses().stream()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /** Tasks an executor has started, from its log (the job's first stage is the write: schema and width come from a footer). */
    static long tasksStarted(ProcessHandle executor) {
        try {
            // an executor runs in its own work folder, where the worker writes its stderr
            Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(executor.pid()), "cwd"));
            return Files.readAllLines(cwd.resolve("stderr"), java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.matches(".*Running task .* in stage [0-9]+\\.[0-9]+ .*")).count();
        } catch (IOException e) {
            return 0; // not started yet, or gone
        }
    }

    Path input(String name, int partitions) {
        Random rnd = new Random(17);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < ROWS; i++) {
            double[] x = new double[5];
            for (int j = 0; j < 5; j++) {
                x[j] = rnd.nextGaussian();
            }
            rows.add(RowFactory.create(i, x));
        }
        Path path = work.resolve(name);
        spark.createDataFrame(rows, SCHEMA).repartition(partitions).write().parquet(path.toString());
        return path;
    }

    /** A jar of the test's file system ({@link FlakyFileSystem}), for the driver's and executors' class path. */
    static Path testFileSystemJar() throws IOException {
        Path jar = work.resolve("flaky-fs.jar");
        Path classes = Path.of(FlakyFileSystem.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path folder = classes.resolve("netsense/spark");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             var files = Files.list(folder)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("FlakyFileSystem")).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry("netsense/spark/" + f.getFileName()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    List<String> submit(Path model, Path input, Path output, Path events, String... more) throws IOException {
        return submit(model, input, output.toString(), events, more);
    }

    List<String> submit(Path model, Path input, String output, Path events, String... more) throws IOException {
        Files.createDirectories(events);
        List<String> cmd = new ArrayList<>(List.of("jobs/gradients", "--master", master,
                "--conf", "spark.executor.memory=512m",
                "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                "--conf", "spark.eventLog.compress=false",
                "--model", model.toString(), "--input", input.toString(), "--output", output));
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** Spark's event log: the executor of every successful task, and the reasons of failed ones. */
    static List<JsonNode> taskEnds(Path events) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> ends = new ArrayList<>();
        try (Stream<Path> files = Files.walk(events)) { // Spark 4 rolls event logs into a folder per app
            for (Path f : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode e = json.readTree(line);
                    if ("SparkListenerTaskEnd".equals(e.path("Event").asText())) {
                        ends.add(e);
                    }
                }
            }
        }
        return ends;
    }

    static void assertSameRows(Path expected, Path actual) {
        List<Row> a = readSorted(expected.resolve("gradients"), "id");
        List<Row> b = readSorted(actual.resolve("gradients"), "id");
        assertEquals(ROWS, a.size());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getLong(0), b.get(i).getLong(0));
            assertEquals(a.get(i).getDouble(1), b.get(i).getDouble(1), 0, "output of row " + i);
            assertEquals(a.get(i).getList(2), b.get(i).getList(2), "gradient of row " + i);
        }
    }

    @Test
    @Order(1)
    void clusterRunEqualsLocalRunAndUsesTwoExecutors() throws Exception {
        Path model = work.resolve("m.json");
        netsense.io.ModelWriter.write(randomNetwork(4, 5, 16, 8, 1), model);
        Path input = input("in", 12);
        Path local = work.resolve("local");
        new GradientJob(spark, GradientJob.Options.of(model.toString(), input.toString(), local.toString())).execute();

        Path events = work.resolve("events-1");
        Path remote = work.resolve("remote");
        long t0 = System.nanoTime();
        Run r = run(submit(model, input, remote, events), 300);
        assertEquals(0, r.status, r.output);
        System.err.printf("cluster IT: job on the cluster in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertTrue(r.output.contains("master " + master), r.output);

        assertSameRows(local, remote);
        GradientJobTest.assertSameNumbers(summary(local), summary(remote), "", 12);
        Set<String> executorsUsed = new HashSet<>();
        for (JsonNode e : taskEnds(events)) {
            if ("Success".equals(e.at("/Task End Reason/Reason").asText())) {
                executorsUsed.add(e.at("/Task Info/Executor ID").asText());
            }
        }
        executorsUsed.remove("driver");
        assertTrue(executorsUsed.size() >= 2, "tasks ran on executors " + executorsUsed);
    }

    @Test
    @Order(2)
    void survivesAnExecutorKilledMidJob() throws Exception {
        Path model = work.resolve("m.json");
        Path input = input("in-many", 30);
        Path clean = work.resolve("clean");
        new GradientJob(spark, GradientJob.Options.of(model.toString(), input.toString(), clean.toString())).execute();

        Path events = work.resolve("events-2");
        Path output = work.resolve("faulted");
        long t0 = System.nanoTime();
        // one task per file, each first attempt pausing 400 ms as it closes its output file (the test's
        // own file system, on the executors' class path): about 6 s of work on two executors
        Path jar = testFileSystemJar();
        Process job = start(submit(model, input, FlakyFileSystem.uri(output), events,
                "--conf", "spark.sql.files.maxPartitionBytes=4096",
                "--driver-class-path", jar.toString(), "--conf", "spark.executor.extraClassPath=" + jar,
                "--conf", "spark.hadoop.fs.flaky.impl=" + FlakyFileSystem.class.getName(),
                "--conf", "spark.hadoop.fs.flaky.impl.disable.cache=true",
                "--conf", "spark.hadoop.flaky.path=/gradients/", "--conf", "spark.hadoop.flaky.sleep.modulo=1",
                "--conf", "spark.hadoop.flaky.sleep.millis=400"));
        // kill an executor once it has run two tasks of the write stage: it is then inside a third
        ProcessHandle victim = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (victim == null && System.nanoTime() < deadline && job.isAlive()) {
            for (ProcessHandle executor : executors()) {
                if (tasksStarted(executor) >= 2) {
                    victim = executor;
                    break;
                }
            }
            Thread.sleep(50);
        }
        assertTrue(victim != null, "an executor ran tasks of the write stage");
        assertTrue(victim.destroyForcibly(), "SIGKILL sent"); // destroyForcibly is SIGKILL on Linux
        System.err.printf("cluster IT: killed executor pid %d at %.1f s%n", victim.pid(), (System.nanoTime() - t0) / 1e9);
        assertTrue(job.waitFor(300, TimeUnit.SECONDS), "the job ends");
        String log = Files.readString(work.resolve("last-command.log"));
        assertEquals(0, job.exitValue(), log);
        System.err.printf("cluster IT: job with a lost executor in %.1f s%n", (System.nanoTime() - t0) / 1e9);

        boolean lost = taskEnds(events).stream()
                .anyMatch(e -> e.at("/Task End Reason/Reason").asText().contains("ExecutorLostFailure"));
        assertTrue(lost, "a task was lost with the executor (the kill came mid-job)");
        List<Long> ids = spark.read().parquet(output.resolve("gradients").toString()).select("id").collectAsList()
                .stream().map(row -> row.getLong(0)).sorted(Comparator.naturalOrder()).toList();
        assertEquals(ROWS, ids.size(), "every row once");
        assertEquals(ROWS, new HashSet<>(ids).size(), "no row twice");
        assertSameRows(clean, output);
        GradientJobTest.assertSameNumbers(summary(clean), summary(output), "", 30);
    }

    @Test
    @Order(3)
    void aBusyPortIsRefusedClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int busy = taken.getLocalPort();
            Path other = work.resolve("other-state");
            Run r = run(List.of("jobs/cluster", "start", "--port", String.valueOf(busy), "--webui-port",
                    String.valueOf(freePorts(3)), "--state", other.toString()), 60);
            assertEquals(2, r.status, r.output);
            assertTrue(r.output.contains("cluster: port(s) " + busy + " on 127.0.0.1 are in use; choose others with"
                    + " --port / --webui-port"), r.output);
            assertTrue(ProcessHandle.allProcesses().noneMatch(
                    p -> p.info().commandLine().map(c -> c.contains(other.toString())).orElse(false)), "nothing started");
        }
    }

    @Test
    @Order(4)
    void stopLeavesNoProcess() throws Exception {
        Run r = run(List.of("jobs/cluster", "stop", "--state", state.toString()), 60);
        assertEquals(0, r.status, r.output);
        Thread.sleep(500);
        assertEquals(List.of(), clusterProcesses().stream().map(ProcessHandle::pid).toList(), "processes left");
        Run status = run(List.of("jobs/cluster", "status", "--state", state.toString()), 30);
        assertEquals(3, status.status, status.output);
    }
}
