package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import netsense.core.GradientKernel;
import netsense.core.GradientSummary;
import netsense.core.Network;
import netsense.io.ModelWriter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example run as a user's application runs: compiled by {@code javac}
 * against {@code target/netsense.jar} and Spark, packed in its own jar, and started by
 * {@code spark-submit --jars target/netsense.jar --class MyApp} (SparkSubmit from the project's
 * classpath) on {@code local[2]}. Its output must hold the bad rows' reasons and the job's
 * summary figures (the core's, on the same rows), most sensitive first. No Spark in this JVM,
 * no cluster, no fixed port.
 */
class LibraryExampleIT {
    static final Path PROJECT = Path.of(System.getProperty("user.dir"));
    static final int ROWS = 400;
    static final int N1 = 5;

    @TempDir
    Path tmp;

    record Run(int status, String stdout, String stderr) {}

    static Run run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command + "\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The cells of each table row of show()'s output, trimmed. */
    static List<List<String>> tableRows(String stdout) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("|")) {
                rows.add(Arrays.stream(line.substring(1).split("\\|")).map(String::trim).toList());
            }
        }
        return rows;
    }

    @Test
    void theReadmeExampleRunsAsAUsersApplication() throws Exception {
        Path jar = PROJECT.resolve("target/netsense.jar");
        assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
        String sparkClasspath = Files.readString(PROJECT.resolve("target/classpath.txt")).trim();
        String javaHome = System.getProperty("java.home");

        // the input, written by parquet-hadoop (no Spark in this JVM): ROWS good rows, then two bad ones
        Network net = SparkTestBase.randomNetwork(3, N1, 8, 1);
        Path model = tmp.resolve("net.json");
        ModelWriter.write(net, model);
        double[][] x = InputFormatsTest.randomX(ROWS, N1);
        MessageType schema = MessageTypeParser.parseMessageType("message row { required int64 id;"
                + " optional group features (LIST) { repeated group list { optional double element; } } }");
        Path input = tmp.resolve("in");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(
                input.resolve("part-0.parquet").toUri())).withType(schema).build()) {
            for (int i = 0; i < ROWS + 2; i++) {
                Group g = groups.newGroup().append("id", (long) (i < ROWS ? i : 9001 + i - ROWS));
                if (i != ROWS) { // row 9001: null features; row 9002: a NaN
                    Group list = g.addGroup("features");
                    for (int j = 0; j < N1; j++) {
                        list.addGroup("list").append("element", i < ROWS ? x[i][j] : j == 1 ? Double.NaN : 0.0);
                    }
                }
                w.write(g);
            }
        }
        // the expected figures: the core kernel and summary on the good rows
        GradientKernel kernel = new GradientKernel(net, 0, ROWS);
        double[] flat = Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
        double[] outputs = new double[ROWS];
        double[] gradients = new double[ROWS * N1];
        kernel.compute(flat, 0, ROWS, outputs, 0, gradients, 0);
        GradientSummary summary = new GradientSummary(N1);
        summary.addBlock(outputs, 0, gradients, 0, ROWS);
        List<GradientSummary.DimensionStats> expected = new ArrayList<>();
        for (int i = 0; i < N1; i++) {
            expected.add(summary.dimension(i));
        }
        expected.sort(Comparator.comparingDouble(GradientSummary.DimensionStats::meanSquare).reversed());

        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.copy(PROJECT.resolve("src/test/resources/example/MyApp.java"), app.resolve("MyApp.java"));
        Run javac = run(app, List.of(javaHome + "/bin/javac", "-d", "classes", "-cp", jar + ":" + sparkClasspath,
                "MyApp.java"));
        assertEquals(0, javac.status, javac.stderr);
        Path appJar = app.resolve("my-app.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(appJar))) {
            j.putNextEntry(new JarEntry("MyApp.class"));
            try (OutputStream o = j) {
                Files.copy(app.resolve("classes/MyApp.class"), o);
            }
        }

        List<String> command = new ArrayList<>();
        command.add(javaHome + "/bin/java");
        Files.readAllLines(PROJECT.resolve("conf/jvm-module-options")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(command::add);
        command.addAll(List.of("-Xmx1g", "-Dlog4j2.configurationFile=" + PROJECT.resolve("conf/log4j2.properties"),
                "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--jars", jar.toString(), "--class", "MyApp", appJar.toString(), model.toString(), input.toString()));
        long t0 = System.nanoTime();
        Run r = run(app, command);
        System.err.printf("library example IT: the application ran in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(0, r.status, r.stdout + "\n" + r.stderr);

        List<List<String>> table = tableRows(r.stdout);
        assertTrue(table.contains(List.of("9001", "features are null")), r.stdout);
        assertTrue(table.contains(List.of("9002", "feature 1 is NaN")), r.stdout);
        List<List<String>> dims = table.stream().filter(c -> c.size() == 7 && c.get(0).matches("\\d+")).toList();
        assertEquals(expected.size(), dims.size(), r.stdout);
        for (int i = 0; i < dims.size(); i++) {
            GradientSummary.DimensionStats e = expected.get(i);
            assertEquals(e.index(), Integer.parseInt(dims.get(i).get(0)), "rank " + i + "\n" + r.stdout);
            double[] want = {e.mean(), e.meanAbs(), e.meanSquare(), e.std(), e.min(), e.max()};
            for (int f = 0; f < want.length; f++) {
                assertEquals(want[f], Double.parseDouble(dims.get(i).get(f + 1)), 1e-12 * Math.abs(want[f]),
                        "dimension " + e.index() + " figure " + f);
            }
        }
    }
}
