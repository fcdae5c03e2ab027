package netsense.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The options of every command that runs Spark (a picocli mixin). */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    /** The session: the one spark-submit configured, else a local one (see {@link Sessions#open}). */
    SparkSession open(String appName) {
        return Sessions.open(appName, master);
    }
}
