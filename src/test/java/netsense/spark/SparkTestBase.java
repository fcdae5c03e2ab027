package netsense.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import netsense.core.Activation;
import netsense.core.Network;
import netsense.core.RandomNetworks;
import netsense.io.ModelWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One local[2] Spark session for every Spark test in the JVM, and helpers to make inputs. */
public abstract class SparkTestBase {
    protected static SparkSession spark;

    @TempDir
    protected Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = session();
    }

    static final String SHARED_MASTER = "local[2]";

    /** The shared local[2] session (started again if a test had a session of its own). */
    public static synchronized SparkSession session() {
        SparkSession current = SparkSession.getDefaultSession().getOrElse(() -> null);
        if (current != null && !SHARED_MASTER.equals(current.sparkContext().master())) {
            stopSession();
        }
        return builder(SHARED_MASTER).getOrCreate();
    }

    /**
     * A session of its own (another master, settings that only a new SparkContext takes) in
     * place of the shared one: a JVM holds one SparkContext, so the shared session is stopped
     * first; {@link #session()} starts it again for the next test class. Stop it with
     * {@link #stopSession()}.
     */
    static synchronized SparkSession exclusiveSession(String master, java.util.Map<String, String> conf) {
        stopSession();
        SparkSession.Builder b = builder(master);
        conf.forEach(b::config);
        return b.getOrCreate();
    }

    /** Stops the JVM's session and SparkContext, if any. */
    static synchronized void stopSession() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    private static SparkSession.Builder builder(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("netsense tests")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2");
    }

    /** A network written as a model file. */
    protected Path model(String name, Network net) throws IOException {
        Path file = tmp.resolve(name + ".json");
        ModelWriter.write(net, file);
        return file;
    }

    /** A random network with hidden tanh layers and a sigmoid output. */
    protected static Network randomNetwork(long seed, int... widths) {
        return RandomNetworks.gaussian(seed, widths, Activation.TANH, Activation.SIGMOID, 0.1);
    }

    protected Path parquet(String name, List<Row> rows, StructType schema, int partitions) {
        Path path = tmp.resolve(name);
        spark.createDataFrame(rows, schema).repartition(partitions).write().parquet(path.toString());
        return path;
    }

    protected static List<Row> readSorted(Path folder, String idCol) {
        List<Row> rows = new ArrayList<>(spark.read().parquet(folder.toString()).collectAsList());
        rows.sort(Comparator.comparingLong(r -> ((Number) r.getAs(idCol)).longValue()));
        return rows;
    }

    protected static JsonNode summary(Path output) throws IOException {
        return new ObjectMapper().readTree(output.resolve("summary.json").toFile());
    }

    protected static double[] doubles(Row row, String col) {
        List<Double> list = row.getList(row.fieldIndex(col));
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
