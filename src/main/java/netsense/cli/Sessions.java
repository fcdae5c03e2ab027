package netsense.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session of a command: the one spark-submit configured, or a local one. */
final class Sessions {
    private Sessions() {}

    /**
     * @param master the {@code --master} given to the command, or null: spark-submit's choice,
     *               else {@code local[*]}
     */
    static SparkSession open(String appName, String master) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (!conf.contains("spark.master")) {
            b.master("local[*]");
        }
        return b.getOrCreate();
    }
}
