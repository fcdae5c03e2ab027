package netsense.spark;

import java.util.regex.Matcher;
import org.apache.logging.log4j.LogManager;
import java.util.regex.Pattern;

/**
 * One line saying what failed, for the end of a failed run's stderr (after Spark's stack
 * trace, which can be long: the line that matters must not be 30 lines above the end).
 * Works from the exception chain, and from the message text where a cluster sends the task's
 * failure as text only.
 */
public final class Failures {
    /** Starts the message of the exception a task throws when it cannot allocate its buffers. */
    static final String OUT_OF_MEMORY = "out of memory";

    private static final Pattern READ_FILE = Pattern.compile("Encountered error while reading file (\\S+?)\\.?(\\s|$)");
    private static final Pattern NETSENSE_OOM = Pattern.compile("NotEnoughMemoryException: (.*)");

    private Failures() {}

    /** A task could not allocate what it needs: the message names the settings to raise. */
    public static final class NotEnoughMemoryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Without the error as its cause: Spark's executor searches a failed task's causes for a
         * fatal error (spark.executor.killOnFatalError.depth) and would end the JVM all the same.
         */
        NotEnoughMemoryException(String what, Throwable error) {
            super(OUT_OF_MEMORY + " " + what + ": raise --driver-memory (local mode) or --executor-memory"
                    + " (a cluster), or lower --block-rows");
            LogManager.getLogger(Failures.class).warn("{}: {}", getMessage(), error.toString());
        }
    }

    /** Whether an OutOfMemoryError is in the chain (Spark wraps one thrown while reading a file). */
    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** The line: what failed and, where known, what to do about it. */
    public static String describe(Throwable e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotEnoughMemoryException) {
                return t.getMessage();
            }
            if (t instanceof OutOfMemoryError) {
                return OUT_OF_MEMORY + " (" + t.getMessage() + "): raise --driver-memory (local mode) or"
                        + " --executor-memory (a cluster), or lower --block-rows";
            }
            root = t;
        }
        String all = text(e);
        Matcher oom = NETSENSE_OOM.matcher(all);
        if (oom.find()) {
            return oom.group(1).trim();
        }
        Matcher file = READ_FILE.matcher(all);
        if (file.find()) {
            String why = firstLine(root == e || root.getMessage() == null ? afterFile(all, file) : root.toString());
            return "cannot read the input file " + file.group(1) + (why.isEmpty() ? "" : ": " + why)
                    + " (--ignore-corrupt-files skips such files)";
        }
        return firstLine(root.toString());
    }

    /** Every message of the chain, joined. */
    private static String text(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }

    private static String afterFile(String all, Matcher file) {
        String rest = all.substring(file.end()).trim();
        int sqlState = rest.indexOf("SQLSTATE");
        return sqlState >= 0 ? rest.substring(0, sqlState).trim() : rest;
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
