package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The output folder is complete or absent, a complete one is never lost, and summary.json is
 * the last file to appear — with the file system failing at each step ({@link FaultyFileSystem}).
 */
class OutputSafetyTest extends SparkTestBase {
    private Network net;
    private Path model;

    @BeforeEach
    void setUp() throws IOException {
        spark.sparkContext().hadoopConfiguration().set("fs." + FaultyFileSystem.SCHEME + ".impl",
                FaultyFileSystem.class.getName());
        net = randomNetwork(3, 4, 5, 1);
        model = model("m", net);
    }

    @AfterEach
    void resetFaults() {
        FaultyFileSystem.reset();
    }

    private Path input(String name, int rows) {
        return parquet(name, GradientJobTest.randomRows(rows, rows, 4), GradientJobTest.SCHEMA, 2);
    }

    private GradientJob.Result run(Path input, String output, Mode mode, boolean overwrite) throws IOException {
        return new GradientJob(spark, GradientJob.Options.builder(model.toString(), input.toString(), output).mode(mode).overwrite(overwrite).build()).execute();
    }

    private static boolean isStaging(org.apache.hadoop.fs.Path p) {
        return p.getName().startsWith(".out.netsense-") && !p.getName().contains("previous");
    }

    /** Whatever the job left beside the output: staging or moved-aside folders. */
    private List<String> leftBeside() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".out")).toList();
        }
    }

    @Test
    void overwriteKeepsThePreviousOutputWhenTheNewOneCannotMoveIn() throws Exception {
        String out = FaultyFileSystem.uri(tmp.resolve("out"));
        run(input("first", 300), out, Mode.PERMISSIVE, false);
        FaultyFileSystem.renameHook = (fs, from, to) -> !(isStaging(from) && to.getName().equals("out"));

        assertThrows(IOException.class, () -> run(input("second", 500), out, Mode.PERMISSIVE, true));

        assertEquals(300, summary(tmp.resolve("out")).at("/rows/input").asLong(), "the previous output is in place");
        assertEquals(300, spark.read().parquet(tmp.resolve("out/gradients").toString()).count());
        assertEquals(List.of(), leftBeside());
    }

    @Test
    void overwriteReplacesTheOutputAndRemovesThePreviousOne() throws Exception {
        String out = FaultyFileSystem.uri(tmp.resolve("out"));
        run(input("first", 300), out, Mode.PERMISSIVE, false);
        run(input("second", 500), out, Mode.PERMISSIVE, true);
        assertEquals(500, summary(tmp.resolve("out")).at("/rows/input").asLong());
        assertEquals(List.of(), leftBeside());
    }

    @Test
    void overwriteOfAnOutputNamedLikeOneOfItsOwnFolders() throws Exception {
        Path x = tmp.resolve("x");
        Files.createDirectories(x);
        String out = x.resolve("gradients").toString();
        run(input("first", 300), out, Mode.PERMISSIVE, false);
        run(input("second", 500), out, Mode.PERMISSIVE, true);
        assertEquals(500, summary(x.resolve("gradients")).at("/rows/input").asLong());
        try (Stream<Path> files = Files.list(x)) {
            assertEquals(List.of("gradients"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void overwriteFirstHidesThePreviousSummarySoThatAHalfMovedOutputNeverLooksComplete() throws Exception {
        String out = FaultyFileSystem.uri(tmp.resolve("out"));
        run(input("first", 300), out, Mode.PERMISSIVE, false);
        List<String> seen = new ArrayList<>();
        FaultyFileSystem.renameHook = (fs, from, to) -> {
            if (from.getName().equals("out") && to.getName().contains("previous-")) {
                seen.add("moved aside with summary.json: " + new File(from.toUri().getPath(), "summary.json").exists());
                return false; // and the move aside fails: the previous output must come back whole
            }
            return true;
        };
        assertThrows(IOException.class, () -> run(input("second", 500), out, Mode.PERMISSIVE, true));
        assertEquals(List.of("moved aside with summary.json: false"), seen);
        assertEquals(300, summary(tmp.resolve("out")).at("/rows/input").asLong(), "the previous output, whole");
        assertEquals(List.of(), leftBeside());
    }

    @Test
    void withoutOverwriteAnOutputThatAppearsDuringTheRunIsLeftAlone() throws Exception {
        String out = FaultyFileSystem.uri(tmp.resolve("out"));
        // another job finishes the same output just before this one moves its own in
        FaultyFileSystem.renameHook = (fs, from, to) -> {
            if (isStaging(from) && to.getName().equals("out") && !new File(to.toUri().getPath()).exists()) {
                Files.createDirectories(tmp.resolve("out"));
                Files.writeString(tmp.resolve("out/theirs.txt"), "finished first");
            }
            return true;
        };

        InvalidSetupException e = assertThrows(InvalidSetupException.class,
                () -> run(input("in", 200), out, Mode.PERMISSIVE, false));

        assertTrue(e.getMessage().contains("appeared while the job ran"), e.getMessage());
        try (Stream<Path> files = Files.list(tmp.resolve("out"))) {
            assertEquals(List.of("theirs.txt"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("finished first", Files.readString(tmp.resolve("out/theirs.txt")));
        assertEquals(List.of(), leftBeside());
    }

    @Test
    void failfastStaysABadRowWhenTheStagingCannotBeRemoved() throws Exception {
        List<Row> rows = new ArrayList<>(GradientJobTest.randomRows(1, 50, 4));
        rows.add(RowFactory.create(50L, java.util.Arrays.asList(1.0, Double.NaN, 0.0, 0.0), "t"));
        Path input = parquet("in", rows, GradientJobTest.SCHEMA, 2);
        FaultyFileSystem.deleteHook = path -> {
            if (isStaging(path)) {
                throw new IOException("injected: cannot delete " + path);
            }
        };

        BadRowException e = assertThrows(BadRowException.class,
                () -> run(input, FaultyFileSystem.uri(tmp.resolve("out")), Mode.FAILFAST, false));

        assertTrue(e.getMessage().contains("id=50"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void aWriteThatFailsBesideOthersLeavesNoOutputAndKeepsThePreviousOne() throws Exception {
        String out = FaultyFileSystem.uri(tmp.resolve("out"));
        run(input("first", 300), out, Mode.PERMISSIVE, false);
        List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
        FaultyFileSystem.createHook = path -> {
            if (path.toString().contains("/sample/part-")) {
                throw new IOException("injected: cannot create " + path.getName());
            }
            if (path.getName().equals("report.html")) {
                try {
                    Thread.sleep(300); // still writing when the sample fails
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                created.add(path.getName());
            }
        };

        Exception e = assertThrows(Exception.class, () -> run(input("second", 500), out, Mode.PERMISSIVE, true));

        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().startsWith("injected: cannot create part-"), cause.getMessage());
        assertEquals(List.of("report.html"), created, "the report's write was waited for");
        assertEquals(300, summary(tmp.resolve("out")).at("/rows/input").asLong(), "the previous output is in place");
        assertEquals(List.of(), leftBeside());
        Thread.sleep(500); // a write still running would make its folder again
        assertEquals(List.of(), leftBeside(), "nothing written after the job ended");
    }

    @Test
    void summaryJsonIsTheLastFileToAppear() throws Exception {
        List<String> events = new ArrayList<>();
        FaultyFileSystem.renameHook = (fs, from, to) -> {
            if (isStaging(from) && to.getName().equals("out")) {
                events.add("folder moved in, summary.json in it: "
                        + new File(from.toUri().getPath(), "summary.json").exists());
            } else if (to.getName().equals("summary.json")) {
                events.add("summary.json in place, folder complete: "
                        + new File(to.getParent().toUri().getPath(), "report.html").exists());
            }
            return true;
        };
        run(input("in", 200), FaultyFileSystem.uri(tmp.resolve("out")), Mode.PERMISSIVE, false);
        assertEquals(List.of("folder moved in, summary.json in it: false",
                "summary.json in place, folder complete: true"), events);
        try (Stream<Path> files = Files.list(tmp.resolve("out"))) {
            assertEquals(List.of("gradients", "rejected", "report.html", "sample", "summary.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anOutputInsideTheInputIsRefused() throws Exception {
        Path data = input("data", 20);
        InvalidSetupException inside = assertThrows(InvalidSetupException.class,
                () -> run(data, data.resolve("out").toString(), Mode.PERMISSIVE, false));
        assertEquals("the output folder " + data.resolve("out") + " is inside the input " + data
                + ", so a later run would read it as input; write the output elsewhere", inside.getMessage());

        Path parts = tmp.resolve("parts");
        Files.createDirectories(parts);
        Files.move(data, parts.resolve("p1"));
        Files.move(input("p2", 20), parts.resolve("p2"));
        Path glob = parts.resolve("p*");
        for (Path out : List.of(parts.resolve("p1/out"), parts.resolve("p2/deeper/out"), parts.resolve("pout"))) {
            assertThrows(InvalidSetupException.class, () -> run(glob, out.toString(), Mode.PERMISSIVE, false),
                    "output " + out);
            assertFalse(Files.exists(out), "nothing written to " + out);
        }
        GradientJob.Result fine = run(glob, parts.resolve("other").toString(), Mode.PERMISSIVE, false);
        assertEquals(40, fine.rows().input(), "a folder beside the glob's matches is fine");
    }
}
