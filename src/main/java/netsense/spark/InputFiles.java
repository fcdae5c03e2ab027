package netsense.spark;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The input's files: whether there are any, and which ones Spark skipped under
 * {@code spark.sql.files.ignoreCorruptFiles}.
 *
 * <p>Spark skips a corrupt file (or the rest of it, from the first unreadable page) with a
 * warning in an executor's log and nothing else. To name the skipped files the job counts the
 * rows it reads from each file ({@code input_file_name()}, in the same pass as the gradients)
 * and compares the counts with the row counts in the files' footers, read afterwards by one
 * small Spark job (one footer per file, a few kilobytes each; nothing else of the file is read).
 * A file is skipped when its footer cannot be read or it gave fewer rows than its footer holds.
 */
final class InputFiles {
    private static final Logger LOG = LogManager.getLogger(InputFiles.class);

    private InputFiles() {}

    /** Data files under a path (a file, a folder read recursively, or a glob); hidden names (_, .) excluded. */
    static List<Path> dataFiles(Configuration hadoop, String input) throws IOException {
        Path path = new Path(input);
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(path);
        List<Path> files = new ArrayList<>();
        for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
            if (m.isFile()) {
                files.add(m.getPath());
                continue;
            }
            RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
            while (it.hasNext()) {
                Path p = it.next().getPath();
                if (!hidden(p, m.getPath())) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /**
     * The schema of the first of these files whose footer can be read, or null. Spark reads the
     * schema from one file and, under ignoreCorruptFiles, skips that file only when its footer
     * fails with a RuntimeException — a truncated file fails with an IOException, and the read
     * with it; this finds a readable file instead.
     */
    static org.apache.spark.sql.types.StructType firstReadableSchema(SparkSession spark, List<Path> files) {
        for (Path f : files) {
            try {
                return spark.read().parquet(f.toString()).schema();
            } catch (Exception e) { // Scala's exceptions are unchecked; a corrupt file: try the next
                LOG.warn("no schema from the corrupt input file {}: {}", f, Failures.firstLine(e.getMessage()));
            }
        }
        return null;
    }

    /** A file Spark does not read as data: a name starting with _ or . in it or in a folder below the root. */
    private static boolean hidden(Path p, Path root) {
        for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
            String n = q.getName();
            if (n.startsWith("_") && !n.contains("=") || n.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The files of {@code input} that were not read whole, sorted.
     *
     * @param rowsRead rows read per file, keyed as {@code input_file_name()} names them
     */
    static List<String> skipped(SparkSession spark, Dataset<Row> input, Map<String, Long> rowsRead) {
        List<String> files = Arrays.asList(input.inputFiles());
        if (files.isEmpty()) {
            return List.of();
        }
        Map<String, Long> read = new HashMap<>();
        rowsRead.forEach((f, n) -> read.merge(normalize(f), n, Long::sum));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> conf =
                jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
        int slices = Math.max(1, Math.min(files.size(), 4 * spark.sparkContext().defaultParallelism()));
        List<Long> inFooters;
        try {
            inFooters = jsc.parallelize(files, slices).map(new FooterRows(conf)).collect();
        } finally {
            conf.destroy();
        }
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String f = normalize(files.get(i));
            long got = read.getOrDefault(f, 0L);
            long expected = inFooters.get(i);
            if (expected < 0 || got < expected) {
                LOG.warn("skipped the corrupt input file {} ({})", f, expected < 0 ? "its footer cannot be read"
                        : "read " + got + " of its " + expected + " rows");
                skipped.add(f);
            }
        }
        skipped.sort(null);
        return List.copyOf(skipped);
    }

    /** One spelling per file: Spark hands out URL-encoded paths. */
    static String normalize(String file) {
        try {
            return new Path(new URI(file)).toString();
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return new Path(file).toString();
        }
    }

    /** The key under which Spark keeps the schema of the rows it wrote in a Parquet footer. */
    static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

    /**
     * The footer of the file Spark would infer the input's schema from — the first data file by
     * path, when no summary file says otherwise — read once for both the schema (no Spark job)
     * and the width check.
     */
    record FirstFooter(String file, org.apache.parquet.hadoop.metadata.ParquetMetadata footer) {
        /** The schema Spark wrote in the footer, as Spark's own inference would take it; null when there is none. */
        org.apache.spark.sql.types.StructType sparkSchema() {
            String json = footer.getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
            if (json == null) {
                return null;
            }
            try {
                return org.apache.spark.sql.types.DataType.fromJson(json)
                        instanceof org.apache.spark.sql.types.StructType t ? t : null;
            } catch (RuntimeException e) { // not Spark's JSON: Spark would ignore it too
                return null;
            }
        }

        /** {@link InputFiles#rowsAndLeafValues} of this footer. */
        long[] rowsAndLeafValues(String column) {
            return InputFiles.rowsAndLeafValues(footer, column);
        }
    }

    /**
     * The footer of the first of {@code files} (Spark's listing of the input; Spark infers the
     * schema from the first by path), or null when it cannot be read.
     */
    static FirstFooter firstFooter(Configuration hadoop, String[] files) {
        if (files.length == 0) {
            return null;
        }
        String first = java.util.Collections.min(Arrays.asList(files));
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(normalize(first)), hadoop))) {
            return new FirstFooter(first, r.getFooter());
        } catch (Exception e) { // unreadable: Spark's inference says what is wrong
            return null;
        }
    }

    /**
     * From a Parquet file's footer, without reading its data: the rows of its first non-empty row
     * group and the values of {@code column}'s one leaf there (for a list column its elements, a
     * null or empty list counting one), or null when the footer cannot tell (unreadable, no such
     * column, a column of several leaves, no rows).
     */
    static long[] rowsAndLeafValues(Configuration hadoop, String file, String column) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(normalize(file)), hadoop))) {
            return rowsAndLeafValues(r.getFooter(), column);
        } catch (Exception e) { // any failure to read the footer: the footer cannot tell
            return null;
        }
    }

    private static long[] rowsAndLeafValues(org.apache.parquet.hadoop.metadata.ParquetMetadata footer, String column) {
        for (org.apache.parquet.hadoop.metadata.BlockMetaData group : footer.getBlocks()) {
            if (group.getRowCount() == 0) {
                continue;
            }
            org.apache.parquet.hadoop.metadata.ColumnChunkMetaData leaf = null;
            for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : group.getColumns()) {
                if (c.getPath().toArray()[0].equalsIgnoreCase(column)) {
                    if (leaf != null) {
                        return null;
                    }
                    leaf = c;
                }
            }
            return leaf == null ? null : new long[] {group.getRowCount(), leaf.getValueCount()};
        }
        return null;
    }

    /** A file's row count from its footer, or −1 when the footer cannot be read. */
    static final class FooterRows implements Function<String, Long> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<SerializableConfiguration> conf;

        FooterRows(Broadcast<SerializableConfiguration> conf) {
            this.conf = conf;
        }

        @Override
        public Long call(String file) {
            try (ParquetFileReader r = ParquetFileReader.open(
                    HadoopInputFile.fromPath(new Path(normalize(file)), conf.value().value()))) {
                return r.getRecordCount();
            } catch (Exception e) { // any failure to read the footer: the file is corrupt
                return -1L;
            }
        }
    }
}
