package netsense.cli;

/** The exit statuses of every command (SPEC). */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** Anything not covered below. */
    public static final int FAILURE = 1;
    /** The command, model or input schema is wrong; nothing was written. */
    public static final int USAGE = 2;
    /** A bad row under {@code --mode failfast}. */
    public static final int BAD_ROW = 3;

    private ExitCode() {}
}
