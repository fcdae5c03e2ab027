package netsense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netsense.core.BlockKernel;
import netsense.spark.Mode;
import netsense.spark.SyntheticInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line without Spark: enum-typed options, the shared options, every command's
 * {@code validate()} and the help texts. Every command here is refused before Spark starts.
 */
class CommandsTest {
    @TempDir
    Path tmp;

    /** Main and each of its commands. */
    static List<CommandLine> commands() {
        CommandLine main = Main.commandLine();
        return Stream.concat(Stream.of(main), main.getSubcommands().values().stream()).collect(Collectors.toList());
    }

    /** A refusal: exit 2 and the one line on stderr. */
    static void refused(CliTest.Run r, String line) {
        assertEquals(2, r.status(), r.err());
        assertEquals(line + "\n", r.err());
    }

    /** A wrong value: exit 2, the line naming the valid ids, then where help is. */
    static void wrongValue(CliTest.Run r, String command, String line) {
        assertEquals(2, r.status(), r.err());
        assertEquals("netsense " + command + ": " + line + "\nTry 'netsense " + command
                + " --help' for more information.\n", r.err());
    }

    String[] gradients(String... extra) {
        List<String> args = new ArrayList<>(List.of("gradients", "--model", "m.json", "--input", "in", "--output",
                tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void enumOptionsTakeTheirIdsInAnyCase() {
        CommandLine cl = Main.commandLine();
        cl.parseArgs(gradients("--mode", "FailFast", "--precision", "FLOAT32"));
        GradientsCommand g = cl.getSubcommands().get("gradients").getCommand();
        assertEquals(Mode.FAILFAST, g.mode);
        assertEquals(BlockKernel.Precision.FLOAT32, g.precision);

        cl = Main.commandLine();
        cl.parseArgs(gradients());
        g = cl.getSubcommands().get("gradients").getCommand();
        assertEquals(Mode.PERMISSIVE, g.mode);
        assertEquals(BlockKernel.Precision.FLOAT64, g.precision);

        cl = Main.commandLine();
        cl.parseArgs("generate", "--rows", "1", "--dims", "1", "--output", "o", "--dist", "Normal");
        GenerateCommand gen = cl.getSubcommands().get("generate").getCommand();
        assertEquals(SyntheticInputs.Distribution.NORMAL, gen.dist);

        cl = Main.commandLine();
        cl.parseArgs("bench", "--kind", "COPY");
        BenchCommand bench = cl.getSubcommands().get("bench").getCommand();
        assertEquals(BenchCommand.Kind.COPY, bench.kind);
    }

    @Test
    void aWrongEnumValueNamesTheValidIds() {
        wrongValue(CliTest.run(gradients("--mode", "lenient")), "gradients",
                "Invalid value for option '--mode': expected one of permissive, dropmalformed, failfast but was"
                        + " 'lenient'");
        wrongValue(CliTest.run(gradients("--precision", "float16")), "gradients",
                "Invalid value for option '--precision': expected one of float64, float32 but was 'float16'");
        wrongValue(CliTest.run("generate", "--rows", "1", "--dims", "1", "--output", "o", "--dist", "cauchy"),
                "generate", "Invalid value for option '--dist': expected one of uniform, normal but was 'cauchy'");
        wrongValue(CliTest.run("bench", "--kind", "fast"), "bench",
                "Invalid value for option '--kind': expected one of gradient, global, copy, floor, pass, train_sgd, train_full but was 'fast'");
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void helpShowsTheIdsInLowerCase() {
        String bench = usage(Main.commandLine().getSubcommands().get("bench"), 200);
        assertTrue(bench.contains("One of gradient, global, copy, floor, pass, train_sgd, train_full (default: gradient)."), bench);
        String gradients = usage(Main.commandLine().getSubcommands().get("gradients"), 200);
        assertTrue(gradients.contains("(default: permissive)"), gradients);
        assertTrue(gradients.contains("(default: float64)"), gradients);
        assertEquals(List.of("permissive", "dropmalformed", "failfast"), ids(new EnumIds.Modes()));
        assertEquals(List.of("float64", "float32"), ids(new EnumIds.Precisions()));
        assertEquals(List.of("uniform", "normal"), ids(new EnumIds.Distributions()));
    }

    static List<String> ids(Iterable<String> candidates) {
        List<String> ids = new ArrayList<>();
        candidates.forEach(ids::add);
        return ids;
    }

    @Test
    void everyCommandIsValidatedBeforeItRuns() {
        for (CommandLine c : Main.commandLine().getSubcommands().values()) {
            assertInstanceOf(NetsenseCommand.class, c.getCommand(), c.getCommandName());
        }
    }

    @Test
    void generateReportsEveryProblemAtOnce() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("g"));
        refused(CliTest.run("generate", "--rows", "-1", "--dims", "0", "--partitions", "-2", "--output", out.toString()),
                "netsense generate: --rows must be 0 or more, got -1; --dims must be at least 1, got 0; --partitions"
                        + " must be 1 or more (or 0: the default parallelism), got -2; the output folder " + out
                        + " exists; choose another or pass --overwrite to replace it");
    }

    @Test
    void demoReportsEveryProblemAtOnce() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "");
        refused(CliTest.run("demo", "--rows", "-5", "--partitions", "0", "--output", file.toString()),
                "netsense demo: --rows must be 0 or more, got -5; --partitions must be 1 or more, got 0; --output "
                        + file + " is a file; the demo writes a folder there");
    }

    @Test
    void benchReportsEveryProblemAtOnce() {
        refused(CliTest.run("bench", "--shape", "16-x-1", "--rows", "-1", "--partitions", "-1", "--work",
                tmp.resolve("w").toString()),
                "netsense bench: --shape takes two or more layer widths of 1 or more joined by '-', like 16-32-32-1;"
                        + " got 16-x-1; --rows must be 0 or more, got -1; --partitions must be 1 or more (or 0: 4 per"
                        + " core), got -1");
        refused(CliTest.run("bench", "--shape", "16", "--work", tmp.resolve("w").toString()),
                "netsense bench: --shape takes two or more layer widths of 1 or more joined by '-', like 16-32-32-1;"
                        + " got 16");
        assertEquals(null, BenchCommand.widths("16-0-1"));
        assertEquals(4, BenchCommand.widths("16-32-32-1").length);
        assertFalse(Files.exists(tmp.resolve("w")), "nothing made");
    }

    @Test
    void sparkOptionsAndTheOutputAreTheSameOptionsEverywhere() {
        for (CommandLine c : Main.commandLine().getSubcommands().values()) {
            CommandSpec spec = c.getCommandSpec();
            assertTrue(spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof SparkOptions),
                    c.getCommandName() + " takes --master from SparkOptions");
        }
        for (String name : List.of("gradients", "generate")) {
            CommandSpec spec = Main.commandLine().getSubcommands().get(name).getCommandSpec();
            assertTrue(spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof OutputOptions), name);
        }
    }

    /** A command's help, rendered at a fixed width whatever the terminal. */
    static String usage(CommandLine c, int width) {
        c.getCommandSpec().usageMessage().autoWidth(false).width(width);
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void helpTextsAreSentencesThatPicocliWraps() {
        for (CommandLine c : commands()) {
            CommandSpec spec = c.getCommandSpec();
            String name = c.getCommandName();
            assertTrue(spec.usageMessage().autoWidth(), name + ": usageHelpAutoWidth");
            String wide = usage(c, 2000);
            List<String> lines = wide.lines().map(String::strip).collect(Collectors.toList());
            // the command's paragraphs: whole sentences, each printed on one line when there is room
            for (String paragraph : spec.usageMessage().description()) {
                assertFalse(paragraph.contains("\n") || paragraph.contains("%n"), name + ": " + paragraph);
                assertTrue(paragraph.isEmpty() || paragraph.endsWith("."), name + " description, not a sentence: "
                        + paragraph);
                assertTrue(paragraph.isEmpty() || lines.contains(paragraph), name + " description, broken: "
                        + paragraph + "\n" + wide);
            }
            // each option's description: one sentence or more, on one line of its own
            for (OptionSpec option : spec.options()) {
                assertEquals(1, option.description().length, name + " " + option.longestName());
                String d = option.description()[0];
                String where = name + " " + option.longestName() + ": " + d;
                assertFalse(d.contains("\n") || d.contains("%n"), where);
                assertTrue(Character.isUpperCase(d.charAt(0)) && d.endsWith("."), "not a sentence: " + where);
                assertTrue(lines.stream().anyMatch(l -> l.endsWith(d)), "broken: " + where + "\n" + wide);
            }
            for (String line : usage(c, 80).lines().collect(Collectors.toList())) {
                assertTrue(line.length() <= 80, name + " at 80 columns: " + line);
            }
        }
    }
}
