package netsense.cli;

import java.io.PrintWriter;
import netsense.io.InvalidSetupException;
import netsense.spark.BadRowException;
import netsense.spark.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point: {@code netsense gradients|generate|demo [options]}. Parsing and exit codes
 * live here; {@code System.exit} is called only by {@link #main}.
 */
@Command(name = "netsense", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Input-gradient sensitivity of feed-forward neural networks on Apache Spark.",
        subcommands = {GradientsCommand.class, GenerateCommand.class, DemoCommand.class, BenchCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
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
            err.println(name + ": failed: " + Failures.describe(e));
            err.flush();
            return ExitCode.FAILURE;
        });
        return cl;
    }

    private static String programName(CommandLine c, String launcher) {
        return launcher != null ? launcher : c.getCommandSpec().qualifiedName();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a command: gradients, generate or demo");
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
