package netsense.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Spark session settings for one job: set while it runs, then put back as they were. */
final class SessionSettings implements AutoCloseable {
    private final SparkSession spark;
    private final Map<String, String> saved = new LinkedHashMap<>();

    SessionSettings(SparkSession spark) {
        this.spark = spark;
    }

    void set(String key, String value) {
        saved.putIfAbsent(key, spark.conf().get(key, null));
        spark.conf().set(key, value);
    }

    @Override
    public void close() {
        saved.forEach((k, v) -> {
            if (v == null) {
                spark.conf().unset(k);
            } else {
                spark.conf().set(k, v);
            }
        });
    }
}
