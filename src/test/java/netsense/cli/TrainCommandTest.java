package netsense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/train's command line: refusals before any work, help, and the Higham example end to end. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    private CliTest.Run train(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliTest.run(all);
    }

    private void refused(String expected, String... args) {
        CliTest.Run r = train(args);
        assertEquals(ExitCode.USAGE, r.status(), r.err());
        assertTrue(r.err().contains(expected), "expected «" + expected + "» in: " + r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
    }

    @Test
    void wrongCommandsAreRefusedWithExitTwo() throws Exception {
        String out = tmp.resolve("o").toString();
        refused("--input is required (or --example higham)", "--layers", "2,1", "--output", out);
        refused("--layers is required", "--input", tmp.toString(), "--output", out);
        refused("--layers takes two or more widths of 1 or more", "--input", tmp.toString(), "--layers", "3",
                "--output", out);
        refused("--activations has 1 entries, --layers 3 layers", "--input", tmp.toString(), "--layers", "2,3,1",
                "--activations", "tanh", "--output", out);
        refused("unknown activation \"swish\"", "--input", tmp.toString(), "--layers", "2,1", "--activation", "swish",
                "--output", out);
        refused("cross-entropy needs 2 or more outputs", "--input", tmp.toString(), "--layers", "2,1", "--loss",
                "cross-entropy", "--output", out);
        refused("softmax is the output of --loss cross-entropy", "--input", tmp.toString(), "--layers", "2,2",
                "--activations", "softmax", "--output", out);
        refused("a learning rate must be a positive number, got -0.1", "--example", "higham", "--learning-rate",
                "-0.1", "--output", out);
        refused("give --learning-rate or --compare-learning-rates, not both", "--example", "higham",
                "--learning-rate", "0.1", "--compare-learning-rates", "0.1,0.2", "--output", out);
        refused("give --steps or --epochs, not both", "--input", tmp.toString(), "--layers", "2,1", "--steps", "3",
                "--epochs", "2", "--output", out);
        refused("--batch-size must be 0 (the full batch) or more", "--example", "higham", "--batch-size", "-1",
                "--output", out);
        refused("--target-cost must be a positive number", "--example", "higham", "--target-cost", "0",
                "--output", out);
        refused("--input does not go with --example", "--example", "higham", "--input", tmp.toString(), "--output",
                out);
        refused("--example takes higham, got iris", "--example", "iris", "--output", out);
        refused("expected one of sgd, momentum, adam but was 'rmsprop'", "--example", "higham", "--optimizer",
                "rmsprop", "--output", out);
        Files.createDirectories(tmp.resolve("o"));
        Files.writeString(tmp.resolve("o").resolve("keep"), "x");
        CliTest.Run r = train("--example", "higham", "--output", tmp.resolve("o").toString());
        assertEquals(ExitCode.USAGE, r.status());
        assertTrue(r.err().contains("exists; choose another or pass --overwrite"), r.err());
    }

    @Test
    void helpNamesTheOptions() {
        CliTest.Run r = train("--help");
        assertEquals(0, r.status());
        for (String o : new String[] {"--example", "--layers", "--loss", "--optimizer", "--batch-size", "--steps",
            "--epochs", "--target-cost", "--compare-learning-rates", "--local-rows", "--init-scale", "--seed"}) {
            assertTrue(r.out().contains(o), o);
        }
    }

    @Test
    void highamExampleEndToEnd() throws Exception {
        Path out = tmp.resolve("higham");
        CliTest.Run r = train("--example", "higham", "--steps", "200000", "--learning-rate", "0.1", "--target-cost",
                "0.01", "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("cost \\S+ after 200,000 steps \\(\\S+ s\\); target 0\\.0100 reached at step [0-9,]+ "
                + "\\(\\S+ s\\)"), last);
        assertTrue(r.out().contains("step       100,000   cost"), r.out());
        assertTrue(Files.exists(out.resolve("model.json")) && Files.exists(out.resolve("report.html"))
                && Files.exists(out.resolve("training.json")));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"regions\""), "the classified plane");
        assertEquals(10, html.split("class=\"point\"", -1).length - 1, "the ten points");
    }

    @Test
    void numbersAsPeopleWriteThem() {
        assertEquals("1.2e-4", TrainCommand.number(1.2e-4));
        assertEquals("3.38e-5", TrainCommand.number(3.3833e-5));
        assertEquals("1e-3", TrainCommand.number(1e-3));
        assertEquals("0.254", TrainCommand.number(0.25426));
    }
}
