package netsense.cli;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A command of {@link Main}: {@link #validate} runs after parsing and before {@link #call} (so
 * before Spark starts); any problem it returns refuses the command with exit 2 and one line.
 */
interface NetsenseCommand extends Callable<Integer> {
    /** Every problem with the command that can be seen without Spark, all at once; empty when none. */
    List<String> validate();
}
