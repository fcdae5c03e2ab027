package netsense.spark;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark's Parquet file format, with a writer for {@code gradients/} that puts each value
 * straight into its Parquet column writer. Spark's own writer hands every value through a
 * closure per field and per array element to parquet-mr's record assembly, which works out the
 * levels of each value from the group structure of the record (a group per array element, a
 * set of the fields written so far, the missing ones filled with nulls): for rows of arrays of
 * doubles that bookkeeping costs about as much again as encoding the values (JFR: 39 % of the
 * task time of a plain Spark copy of 16-double arrays). A result row's shape is fixed, so the
 * levels are known: 0 or the maximum, and 1 for the repeated elements of an array.
 *
 * <p>What is written is what Spark writes: Spark's own schema conversion, footer metadata,
 * codec, page and row-group settings (from the configuration Spark's {@code prepareWrite}
 * makes), file names and commit protocol; the values through parquet-mr's column writers
 * (encodings, statistics, page checksums, column indexes as parquet-mr makes them).
 * Rows of other shapes — a decimal, date, timestamp, map or struct column, arrays of arrays or with
 * null elements, Spark's legacy list layout, bloom filters or encryption asked for — are
 * written by Spark's writer unchanged. ResultParquetFormatTest checks both against a plain
 * Spark write, footer and values, and fails on an upgrade that changes what it relies on.
 *
 * <p>The job writes gradients/ with it through {@link TaskFileWrite}; a DataFrame through
 * {@code df.write().format(ResultParquetFormat.class.getName())}.
 */
public class ResultParquetFormat extends ParquetFileFormat {
    private static final long serialVersionUID = 1L;

    /** Configuration keys under which a user asks for what only Spark's writer does. */
    private static final List<String> SPARK_ONLY_KEYS = List.of("parquet.bloom.filter", "parquet.crypto",
            "parquet.encryption");

    @Override
    public OutputWriterFactory prepareWrite(SparkSession sparkSession, Job job,
                                            scala.collection.immutable.Map<String, String> options,
                                            StructType dataSchema) {
        OutputWriterFactory spark = super.prepareWrite(sparkSession, job, options, dataSchema);
        if (!supports(dataSchema) || asksForSparkOnly(job.getConfiguration())) {
            return spark;
        }
        return new Factory(spark);
    }

    /** Whether rows of {@code schema} go through the column writer (else through Spark's). */
    static boolean supports(StructType schema) {
        for (StructField f : schema.fields()) {
            if (ColumnRowWriter.kindOf(f.dataType()) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean asksForSparkOnly(Configuration conf) {
        if ("true".equalsIgnoreCase(conf.get("spark.sql.parquet.writeLegacyFormat"))) {
            return true;
        }
        for (Map.Entry<String, String> e : conf) {
            String key = e.getKey();
            for (String prefix : SPARK_ONLY_KEYS) {
                if (key.startsWith(prefix)) {
                    return true;
                }
            }
            // per-column settings: the column writer honours the dictionary's, Spark's writer all of them
            if (key.startsWith("parquet.") && key.contains("#")
                    && !key.startsWith(ParquetOutputFormat.ENABLE_DICTIONARY + "#")) {
                return true;
            }
        }
        return false;
    }

    /** Spark's factory's file names; this file format's writer. */
    static final class Factory extends OutputWriterFactory {
        private static final long serialVersionUID = 1L;
        private final OutputWriterFactory spark;

        Factory(OutputWriterFactory spark) {
            this.spark = spark;
        }

        @Override
        public String getFileExtension(TaskAttemptContext context) {
            return spark.getFileExtension(context);
        }

        @Override
        public OutputWriter newInstance(String path, StructType dataSchema, TaskAttemptContext context) {
            try {
                return new ColumnRowWriter(path, dataSchema, context.getConfiguration());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("could not open " + path + " for writing", e);
            }
        }
    }

    /** One Parquet file: rows of a supported schema, value by value into the column writers. */
    static final class ColumnRowWriter extends OutputWriter {
        /**
         * Writers open in this JVM. Spark's writer registers with parquet-mr's memory manager,
         * which shrinks every open writer's row group when together they would hold more than
         * 95 % of the heap; this one takes the same share itself ({@link #rowGroupLimit}).
         */
        private static final java.util.concurrent.atomic.AtomicInteger OPEN =
                new java.util.concurrent.atomic.AtomicInteger();
        private static final double MEMORY_POOL_RATIO = 0.95;
        private final String path;
        private final MessageType parquetSchema;
        private final Map<String, String> metadata = new HashMap<>();
        private final WriteSupport<InternalRow> support;
        private final ParquetProperties props;
        private final CodecFactory codecs;
        private final CodecFactory.BytesCompressor compressor;
        private final ParquetFileWriter file;
        private final long rowGroupBytes;
        private final int[] maxDefinition;  // a present value's definition level, per field
        private final int[] kind;           // per field: its Spark type, as a switch case
        private ColumnChunkPageWriteStore pages;
        private ColumnWriteStore columns;
        private ColumnWriter[] writers;
        private long rows;                  // in the open row group
        private long nextSizeCheck;
        private long nextRowGroupBytes;
        private final TrackedOutputFile output;
        private boolean failed;
        private boolean closed;

        ColumnRowWriter(String path, StructType schema, Configuration conf) throws IOException {
            this.path = path;
            support = new ParquetWriteSupport();
            WriteSupport.WriteContext context = support.init(conf); // Spark's schema conversion and footer keys
            parquetSchema = context.getSchema();
            metadata.putAll(context.getExtraMetaData());
            ParquetProperties.Builder b = ParquetProperties.builder()
                    .withPageSize(ParquetOutputFormat.getPageSize(conf))
                    .withDictionaryPageSize(ParquetOutputFormat.getDictionaryPageSize(conf))
                    .withDictionaryEncoding(ParquetOutputFormat.getEnableDictionary(conf))
                    .withWriterVersion(ParquetOutputFormat.getWriterVersion(conf))
                    .withByteStreamSplitEncoding(ParquetOutputFormat.getByteStreamSplitEnabled(conf))
                    .estimateRowCountForPageSizeCheck(ParquetOutputFormat.getEstimatePageSizeCheck(conf))
                    .withMinRowCountForPageSizeCheck(ParquetOutputFormat.getMinRowCountForPageSizeCheck(conf))
                    .withMaxRowCountForPageSizeCheck(ParquetOutputFormat.getMaxRowCountForPageSizeCheck(conf))
                    .withPageValueCountThreshold(ParquetOutputFormat.getValueCountThreshold(conf))
                    .withPageWriteChecksumEnabled(ParquetOutputFormat.getPageWriteChecksumEnabled(conf))
                    .withStatisticsEnabled(ParquetOutputFormat.getStatisticsEnabled(conf))
                    .withValuesWriterFactory(new PlainNumberWriters()); // the same bytes, without a stream per value
            String columnIndexLength = conf.get(ParquetOutputFormat.COLUMN_INDEX_TRUNCATE_LENGTH);
            if (columnIndexLength != null) {
                b.withColumnIndexTruncateLength(Integer.parseInt(columnIndexLength.trim()));
            }
            String statisticsLength = conf.get(ParquetOutputFormat.STATISTICS_TRUNCATE_LENGTH);
            if (statisticsLength != null) {
                b.withStatisticsTruncateLength(Integer.parseInt(statisticsLength.trim()));
            }
            String pageRows = conf.get(ParquetOutputFormat.PAGE_ROW_COUNT_LIMIT);
            if (pageRows != null) {
                b.withPageRowCountLimit(Integer.parseInt(pageRows.trim()));
            }
            String groupRows = conf.get(ParquetOutputFormat.BLOCK_ROW_COUNT_LIMIT);
            if (groupRows != null) {
                b.withRowGroupRowCountLimit(Integer.parseInt(groupRows.trim()));
            }
            String dictionaryOf = ParquetOutputFormat.ENABLE_DICTIONARY + "#";
            for (Map.Entry<String, String> e : conf) { // per-column dictionary settings (the job turns some off)
                if (e.getKey().startsWith(dictionaryOf)) {
                    b.withDictionaryEncoding(e.getKey().substring(dictionaryOf.length()),
                            Boolean.parseBoolean(e.getValue().trim()));
                }
            }
            props = b.build();
            rowGroupBytes = ParquetOutputFormat.getLongBlockSize(conf);
            nextRowGroupBytes = rowGroupBytes;
            StructField[] fields = schema.fields();
            List<ColumnDescriptor> leaves = parquetSchema.getColumns();
            if (leaves.size() != fields.length) {
                throw new IllegalStateException("expected one Parquet column per field of " + schema.simpleString()
                        + ", got " + parquetSchema);
            }
            maxDefinition = new int[fields.length];
            kind = new int[fields.length];
            for (int i = 0; i < fields.length; i++) {
                maxDefinition[i] = leaves.get(i).getMaxDefinitionLevel();
                kind[i] = kindOf(fields[i].dataType());
            }
            codecs = new CodecFactory(conf, props.getPageSizeThreshold());
            output = new TrackedOutputFile(HadoopOutputFile.fromPath(new Path(path), conf));
            ParquetFileWriter opened = null;
            try {
                compressor = codecs.getCompressor(ParquetOutputFormat.getCompression(conf));
                int padding = conf.getInt("parquet.writer.max-padding", 8 << 20);
                opened = new ParquetFileWriter(output, parquetSchema, ParquetFileWriter.Mode.CREATE, rowGroupBytes,
                        padding, props.getColumnIndexTruncateLength(), props.getStatisticsTruncateLength(),
                        props.getPageWriteChecksumEnabled());
                opened.start();
                file = opened;
                openRowGroup();
            } catch (IOException | RuntimeException e) {
                if (opened != null) {
                    opened.abort();
                }
                output.closeQuietly();
                codecs.release();
                throw e;
            }
            OPEN.incrementAndGet();
        }

        /** The row group's size: the configured one, or this writer's share of the heap if that is less. */
        private long rowGroupLimit() {
            long share = (long) (MEMORY_POOL_RATIO * Runtime.getRuntime().maxMemory() / Math.max(1, OPEN.get()));
            return Math.min(rowGroupBytes, share);
        }

        private static final int BOOLEAN = 0;
        private static final int INT = 1;
        private static final int LONG = 2;
        private static final int FLOAT = 3;
        private static final int DOUBLE = 4;
        private static final int STRING = 5;
        private static final int BINARY = 6;
        private static final int DOUBLES = 7;
        private static final int FLOATS = 8;
        private static final int BYTE = 9;
        private static final int SHORT = 10;

        /** How the column writer writes a value of type t, or −1 when it does not (Spark's writer does). */
        static int kindOf(DataType t) {
            if (t instanceof ArrayType a) {
                return a.containsNull() ? -1 : a.elementType() == DataTypes.DoubleType ? DOUBLES
                        : a.elementType() == DataTypes.FloatType ? FLOATS : -1;
            }
            if (t == DataTypes.BooleanType) {
                return BOOLEAN;
            }
            if (t == DataTypes.ByteType) {
                return BYTE;
            }
            if (t == DataTypes.ShortType) {
                return SHORT;
            }
            if (t == DataTypes.IntegerType) {
                return INT;
            }
            if (t == DataTypes.LongType) {
                return LONG;
            }
            if (t == DataTypes.FloatType) {
                return FLOAT;
            }
            if (t == DataTypes.DoubleType) {
                return DOUBLE;
            }
            if (t == DataTypes.StringType) {
                return STRING;
            }
            if (t == DataTypes.BinaryType) {
                return BINARY;
            }
            return -1;
        }

        private void openRowGroup() {
            pages = new ColumnChunkPageWriteStore(compressor, parquetSchema, props.getAllocator(),
                    props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
            columns = props.newColumnWriteStore(parquetSchema, pages, pages);
            List<ColumnDescriptor> leaves = parquetSchema.getColumns();
            writers = new ColumnWriter[leaves.size()];
            for (int i = 0; i < writers.length; i++) {
                writers[i] = columns.getColumnWriter(leaves.get(i));
                LevelWriters.install(writers[i], leaves.get(i)); // the same bytes, without a slab stream
            }
            nextSizeCheck = Math.min(props.getMinRowCountForPageSizeCheck(), props.getRowGroupRowCountLimit());
        }

        @Override
        public void write(InternalRow row) {
            if (failed || closed) {
                throw new IllegalStateException("the writer of " + path + " failed or is closed");
            }
            try {
                for (int i = 0; i < writers.length; i++) {
                    ColumnWriter w = writers[i];
                    int d = maxDefinition[i];
                    if (row.isNullAt(i)) {
                        w.writeNull(0, 0);
                        continue;
                    }
                    switch (kind[i]) {
                        case DOUBLES -> {
                            ArrayData a = row.getArray(i);
                            int n = a.numElements();
                            if (n == 0) {
                                w.writeNull(0, d - 1); // the list is there, with no element
                            } else {
                                w.write(a.getDouble(0), 0, d);
                                for (int k = 1; k < n; k++) {
                                    w.write(a.getDouble(k), 1, d);
                                }
                            }
                        }
                        case FLOATS -> {
                            ArrayData a = row.getArray(i);
                            int n = a.numElements();
                            if (n == 0) {
                                w.writeNull(0, d - 1);
                            } else {
                                w.write(a.getFloat(0), 0, d);
                                for (int k = 1; k < n; k++) {
                                    w.write(a.getFloat(k), 1, d);
                                }
                            }
                        }
                        case DOUBLE -> w.write(row.getDouble(i), 0, d);
                        case LONG -> w.write(row.getLong(i), 0, d);
                        case INT -> w.write(row.getInt(i), 0, d);
                        case SHORT -> w.write((int) row.getShort(i), 0, d);
                        case BYTE -> w.write((int) row.getByte(i), 0, d);
                        case FLOAT -> w.write(row.getFloat(i), 0, d);
                        case BOOLEAN -> w.write(row.getBoolean(i), 0, d);
                        case STRING -> w.write(Binary.fromConstantByteArray(row.getUTF8String(i).getBytes()), 0, d);
                        case BINARY -> w.write(Binary.fromConstantByteArray(row.getBinary(i)), 0, d);
                        default -> throw new IllegalStateException("kind " + kind[i]);
                    }
                }
                columns.endRecord();
                rows++;
                if (rows >= nextSizeCheck) {
                    checkRowGroupSize();
                }
            } catch (IOException e) {
                failed = true;
                throw new java.io.UncheckedIOException("writing " + path, e);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        /**
         * Closes the row group once its buffered size is within about two rows of the row group
         * size (or it has the most rows a row group may have); else checks again halfway to
         * where the size would be reached, as parquet-mr's own writer does.
         */
        private void checkRowGroupSize() throws IOException {
            long buffered = columns.getBufferedSize();
            long perRow = Math.max(1, buffered / rows);
            long limit = Math.min(nextRowGroupBytes, rowGroupLimit());
            if (rows >= props.getRowGroupRowCountLimit() || buffered > limit - 2 * perRow) {
                flushRowGroup();
                openRowGroup();
            } else {
                long halfway = (rows + limit / perRow) / 2;
                nextSizeCheck = Math.min(Math.max(props.getMinRowCountForPageSizeCheck(), halfway),
                        rows + props.getMaxRowCountForPageSizeCheck());
                nextSizeCheck = Math.min(nextSizeCheck, props.getRowGroupRowCountLimit());
            }
        }

        private void flushRowGroup() throws IOException {
            try {
                if (rows > 0) {
                    file.startBlock(rows);
                    columns.flush();
                    pages.flushToFileWriter(file);
                    file.endBlock();
                    rows = 0;
                    nextRowGroupBytes = Math.min(file.getNextRowGroupSize(), rowGroupBytes);
                }
            } finally {
                columns.close();
                pages.close();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            OPEN.decrementAndGet();
            if (failed) { // abandoned, not flushed: the task's files are deleted by Spark's commit protocol
                file.abort();
                output.closeQuietly();
                codecs.release();
                return;
            }
            try {
                flushRowGroup();
                Map<String, String> footer = new HashMap<>(metadata);
                footer.putAll(support.finalizeWrite().getExtraMetaData());
                if (support.getName() != null) {
                    footer.put("writer.model.name", support.getName());
                }
                file.end(footer);
            } catch (IOException e) {
                file.abort();
                output.closeQuietly();
                throw new java.io.UncheckedIOException("closing " + path, e);
            } catch (RuntimeException e) {
                file.abort();
                output.closeQuietly();
                throw e;
            } finally {
                try {
                    file.close();
                } catch (IOException e) {
                    // the file is written (end) or abandoned (abort) already; a failure to close here says no more
                } finally {
                    codecs.release();
                }
            }
        }

        @Override
        public String path() {
            return path;
        }
    }

    /**
     * An output file that keeps the stream it opens: parquet-mr's {@code abort} only marks its
     * writer, and closing an aborted writer leaves the stream open.
     */
    private static final class TrackedOutputFile implements org.apache.parquet.io.OutputFile {
        private final org.apache.parquet.io.OutputFile file;
        private org.apache.parquet.io.PositionOutputStream stream;

        TrackedOutputFile(org.apache.parquet.io.OutputFile file) {
            this.file = file;
        }

        @Override
        public org.apache.parquet.io.PositionOutputStream create(long blockSizeHint) throws IOException {
            stream = file.create(blockSizeHint);
            return stream;
        }

        @Override
        public org.apache.parquet.io.PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            stream = file.createOrOverwrite(blockSizeHint);
            return stream;
        }

        @Override
        public boolean supportsBlockSize() {
            return file.supportsBlockSize();
        }

        @Override
        public long defaultBlockSize() {
            return file.defaultBlockSize();
        }

        @Override
        public String getPath() {
            return file.getPath();
        }

        void closeQuietly() {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException | RuntimeException e) {
                    // abandoning a file that failed: nothing more to say than the failure itself
                }
            }
        }
    }
}
