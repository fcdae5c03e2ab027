package netsense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/lib.sh's split of a command line between spark-submit and the command, run in bash
 * against the option list the build makes from the picocli annotations.
 */
class LaunchArgsTest {
    @TempDir
    static Path dir;
    static Path list;

    @BeforeAll
    static void listOptions() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            OptionNames.main(new String[0]);
        } finally {
            System.setOut(out);
        }
        list = dir.resolve("command-options.txt");
        Files.writeString(list, buffer.toString(StandardCharsets.UTF_8));
    }

    record Split(List<String> spark, List<String> app, String master, String driverMemory, int status, String err) {}

    static Split split(String command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", ". jobs/lib.sh; netsense_split_args \"$@\";"
                + " for a in ${SPARK_ARGS[@]+\"${SPARK_ARGS[@]}\"}; do echo \"spark:$a\"; done;"
                + " for a in ${APP_ARGS[@]+\"${APP_ARGS[@]}\"}; do echo \"app:$a\"; done;"
                + " echo \"master:$SPARK_MASTER\"; echo \"driver-memory:$DRIVER_MEMORY\"", "lib.sh", command));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("NETSENSE_OPTIONS_FILE", list.toString());
        pb.environment().remove("MASTER");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> spark = new ArrayList<>();
        List<String> app = new ArrayList<>();
        String master = null;
        String memory = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("spark:")) {
                spark.add(line.substring(6));
            } else if (line.startsWith("app:")) {
                app.add(line.substring(4));
            } else if (line.startsWith("master:")) {
                master = line.substring(7);
            } else if (line.startsWith("driver-memory:")) {
                memory = line.substring(14);
            }
        }
        return new Split(spark, app, master, memory, p.exitValue(), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void sparkOptionsInEitherFormGoToSparkSubmitAndTheRestToTheCommand() throws Exception {
        Split s = split("gradients", "--master", "local[2]", "--model", "m.json", "--conf", "spark.a=1",
                "--conf=spark.b=x=y", "--py-files", "x.py", "--input", "in", "--driver-memory", "4g",
                "--output-index", "2", "--overwrite", "--driver-java-options=-Dk=v -Dl=w", "--output", "out",
                "--block-rows=64", "-c", "spark.c=3", "--verbose");
        assertEquals(0, s.status(), s.err());
        assertEquals("local[2]", s.master());
        assertEquals("4g", s.driverMemory());
        assertEquals(List.of("--conf", "spark.a=1", "--conf", "spark.b=x=y", "--py-files", "x.py",
                "--driver-memory", "4g", "--driver-java-options", "-Dk=v -Dl=w", "-c", "spark.c=3", "--verbose"),
                s.spark());
        assertEquals(List.of("--model", "m.json", "--input", "in", "--output-index", "2", "--overwrite",
                "--output", "out", "--block-rows=64"), s.app());
    }

    @Test
    void masterInItsEqualsForm() throws Exception {
        Split s = split("generate", "--master=local[2]", "--rows", "10", "--dims=3", "--archives=a.zip", "--output", "o");
        assertEquals(0, s.status(), s.err());
        assertEquals("local[2]", s.master());
        assertEquals(List.of("--archives", "a.zip"), s.spark());
        assertEquals(List.of("--rows", "10", "--dims=3", "--output", "o"), s.app());
    }

    @Test
    void anOptionNeitherKnowsIsRefusedBeforeAnythingStarts() throws Exception {
        for (String[] args : new String[][] {{"--mdoel", "m.json", "--input", "in"}, {"--frobnicate"},
            {"--input", "in", "--spark-something=v"}, {"-x"}}) {
            Split s = split("gradients", args);
            assertEquals(2, s.status(), String.join(" ", args));
            String unknown = args[0].startsWith("--input") ? "--spark-something" : args[0];
            assertTrue(s.err().startsWith("jobs/lib.sh: unknown option " + unknown
                    + ": neither jobs/gradients's nor spark-submit's (see jobs/gradients --help;"), s.err());
            assertTrue(s.spark().isEmpty() && s.app().isEmpty(), "nothing split: " + s);
        }
    }

    @Test
    void helpAndVersionGoToTheCommand() throws Exception {
        assertEquals(List.of("--help"), split("gradients", "--help").app());
        assertEquals(List.of("-h"), split("demo", "-h").app());
        Split s = split("gradients", "--conf", "k=v", "--version");
        assertEquals(List.of("--version"), s.app());
        assertEquals(List.of("--conf", "k=v"), s.spark());
    }

    @Test
    void aMissingValueAndClassAreRefused() throws Exception {
        Split s = split("gradients", "--model", "m", "--conf");
        assertEquals(2, s.status());
        assertTrue(s.err().contains("--conf needs a value"), s.err());
        Split c = split("gradients", "--class", "x.Y");
        assertEquals(2, c.status());
        assertTrue(c.err().contains("--class: the main class is netsense's own"), c.err());
    }
}
