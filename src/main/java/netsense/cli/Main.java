package netsense.cli;

import java.io.PrintWriter;
import java.util.List;
import netsense.io.InvalidSetupException;
import netsense.spark.BadRowException;
import netsense.spark.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point: {@code netsense gradients|generate|demo|bench|model [options]}. Parsing and exit codes
 * live here; {@code System.exit} is called only by {@link #main}.
 */
@Command(name = "netsense", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, versionProvider = Main.Version.class,
        description = "Input-gradient sensitivity of feed-forward neural networks on Apache Spark.",
        subcommands = {GradientsCommand.class, TrainCommand.class, GenerateCommand.class, DemoCommand.class,
            BenchCommand.class, ModelCommand.class})
public final class Main implements Runnable {

    /** Set by {@link #main}: the failure's last line waits until Spark has stopped (see there). */
    private static volatile boolean deferLastLine;
    private static volatile String lastLine;

    public static void main(String[] args) {
        deferLastLine = true;
        int status = run(args);
        if (lastLine != null) {
            // Spark's other tasks are still being killed and logging; once Spark has stopped, the line
            // that says what failed is the last one on stderr
            try {
                scala.Option<org.apache.spark.sql.SparkSession> session = org.apache.spark.sql.SparkSession
                        .getDefaultSession();
                if (session.isDefined()) {
                    session.get().stop();
                }
            } catch (RuntimeException | LinkageError e) {
                // stopping is a courtesy here: the status and the line are what matter
            }
            System.err.println(lastLine);
            System.err.flush();
        }
        System.exit(status);
    }

    /** Runs a command line and returns its exit status; prints to stdout and stderr. */
    public static int run(String... args) {
        CommandLine cl = commandLine(args);
        if (cl.getCommand() instanceof Main) {
            return cl.execute(args);
        }
        return cl.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    /** The command line that parses these arguments: the whole tool, or one command named after its script. */
    static CommandLine commandLine(String... args) {
        String launcher = System.getenv("NETSENSE_LAUNCHER");
        CommandLine cl = new CommandLine(new Main());
        if (launcher != null && args.length > 0 && cl.getSubcommands().containsKey(args[0])) {
            // launched as jobs/<command>: that command alone, named after the script
            cl = new CommandLine(cl.getSubcommands().get(args[0]).getCommand());
            cl.setCommandName(launcher);
        }
        cl.setExecutionStrategy(Main::validateThenRun);
        cl.setParameterExceptionHandler((e, given) -> {
            CommandLine c = e.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(programName(c, launcher) + ": " + e.getMessage());
            err.println("Try '" + programName(c, launcher) + " --help' for more information.");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            String name = programName(c, launcher);
            if (e instanceof InvalidSetupException || e instanceof CommandLine.ParameterException) {
                err.println(name + ": " + e.getMessage());
                return ExitCode.USAGE;
            }
            if (e instanceof BadRowException) {
                err.println(name + ": " + e.getMessage() + " (--mode failfast)");
                return ExitCode.BAD_ROW;
            }
            // Spark's trace first, then one line that says what failed: the last thing a user sees
            e.printStackTrace(err);
            err.flush();
            String line = name + ": failed: " + Failures.describe(e);
            if (deferLastLine) {
                lastLine = line;
            } else {
                err.println(line);
                err.flush();
            }
            return ExitCode.FAILURE;
        });
        return cl;
    }

    /**
     * Help when asked for; else the command's {@link NetsenseCommand#validate} problems, all in one
     * line (exit 2, through the execution exception handler), before the command runs.
     */
    private static int validateThenRun(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (last.commandSpec().userObject() instanceof NetsenseCommand command) {
            List<String> problems = command.validate();
            if (!problems.isEmpty()) {
                String line = String.join("; ", problems);
                throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), line,
                        new InvalidSetupException(line));
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    private static String programName(CommandLine c, String launcher) {
        return launcher != null ? launcher : c.getCommandSpec().qualifiedName();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "name a command: gradients, train, generate, demo, bench or model");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"netsense " + (v == null ? "(development build)" : v)};
        }
    }
}
