package netsense.spark;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The job's small outputs — the sample (a few thousand rows at most) and an empty
 * {@code rejected/} — written by the driver with the writer a write task uses (the file format's
 * {@code OutputWriterFactory}: {@link ResultParquetFormat}, Spark's Parquet format): the same
 * schema, codec, footer and file name as a Spark write of one partition, without a Spark job for
 * each (planning, scheduling and a commit: a few hundred milliseconds of a run otherwise done).
 *
 * <p>Spark's internals used, all here: {@code ParquetFileFormat.prepareWrite} and the writer it
 * makes. DriverParquetTest reads what this writes back through Spark beside a Spark write of
 * the same rows, and fails on an upgrade that changes either.
 */
final class DriverParquet {
    private DriverParquet() {}

    /**
     * Writes {@code rows} (Spark's internal form of {@code schema}) as one Parquet file and a
     * {@code _SUCCESS} marker into the folder {@code dir}, which must not exist. On a failure
     * nothing is left in the folder that says it is complete (no marker).
     */
    static void write(SparkSession spark, StructType schema, Iterable<InternalRow> rows, String dir)
            throws IOException {
        write(spark, schema, rows, dir, java.util.Map.of());
    }

    /**
     * As {@link #write(SparkSession, StructType, Iterable, String)}, with the write's options (as
     * {@code DataFrameWriter.options} takes them: the Parquet options and Hadoop settings such as
     * {@code parquet.enable.dictionary#column}).
     */
    static void write(SparkSession spark, StructType schema, Iterable<InternalRow> rows, String dir,
                      java.util.Map<String, String> options) throws IOException {
        scala.collection.immutable.Map<String, String> scalaOptions = scala.collection.immutable.Map$.MODULE$.from(
                scala.jdk.javaapi.CollectionConverters.asScala(options));
        // as a write command gives them: the options on top of the session's Hadoop settings
        Configuration conf = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState()
                .newHadoopConfWithOptions(scalaOptions);
        Job job = Job.getInstance(conf);
        // the job's result format: rows of the sample's shape go through the column writer its tasks use
        OutputWriterFactory factory = new ResultParquetFormat().prepareWrite(spark, job, scalaOptions, schema);
        TaskAttemptContext task = new TaskAttemptContextImpl(job.getConfiguration(),
                new TaskAttemptID(new TaskID(new JobID("netsense", 0), TaskType.MAP, 0), 0));
        Path folder = new Path(dir);
        FileSystem fs = folder.getFileSystem(job.getConfiguration());
        if (fs.exists(folder)) {
            throw new IOException(dir + " exists already");
        }
        if (!fs.mkdirs(folder)) {
            throw new IOException("could not create " + dir);
        }
        Path file = new Path(folder, "part-00000-" + UUID.randomUUID() + "-c000" + factory.getFileExtension(task));
        OutputWriter writer = factory.newInstance(file.toString(), schema, task);
        boolean written = false;
        try {
            for (InternalRow row : rows) {
                writer.write(row);
            }
            written = true;
        } finally {
            try {
                writer.close();
            } finally {
                if (!written) {
                    fs.delete(file, false);
                }
            }
        }
        fs.create(new Path(folder, "_SUCCESS"), false).close();
    }
}
