package netsense.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.internal.io.FileNameSpec;
import org.apache.spark.internal.io.SparkHadoopWriterUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A pass's rows written by the tasks that make them, as files of a Spark file format, through
 * Spark's commit protocol: what {@code Dataset.write()} does (Spark's {@code FileFormatWriter}),
 * without a Spark SQL plan around the pass's RDD. A plan costs twice: planning the write command
 * (about 0.7 s of a fresh driver), and the scan of an RDD in a plan ({@code RDDScanExec}), which
 * copies every row into a new compact row, one at a time through a linked list (JFR: 14 % of the
 * task samples of [2,2,3,1]) — rows the pass has just made in that form.
 *
 * <p>The files are those of a Spark write of one folder: the file format's writers
 * ({@code prepareWrite}), the session's commit protocol ({@code spark.sql.sources.commitProtocolClass})
 * with its file names, task commit coordination (one attempt of each partition commits, also under
 * speculation), {@code _SUCCESS}; {@code spark.sql.files.maxRecordsPerFile} (or the option
 * {@code maxRecordsPerFile}); a file per task, none for an empty task but the first. They are
 * written in the job's result stage, so that accumulator updates of the tasks count once per
 * partition, from the attempt that succeeded.
 *
 * <p>Spark internals used, all here: {@code FileCommitProtocol} and the job and task ids
 * {@code FileFormatWriter} gives it, {@code SQLExecution.withSQLConfPropagated}. TaskFileWriteTest
 * writes the same rows this way and with Spark's writer and compares the folders (file names,
 * footers, values) and fails on an upgrade that changes either.
 */
final class TaskFileWrite {
    private static final String JOB_DESCRIPTION = "spark.job.description";
    /** The option a write takes for the rows of a file at most (as Spark's writer). */
    static final String MAX_RECORDS_PER_FILE = "maxRecordsPerFile";
    /** A task writes at most this many files, -c000 on (as Spark's writer). */
    private static final int MAX_FILES_PER_TASK = 1000 * 1000;

    private TaskFileWrite() {}

    /**
     * Writes {@code rows} (Spark's internal form of {@code schema}) into the folder {@code dir}
     * with {@code format} and the write's {@code options} (as {@code DataFrameWriter.options}
     * takes them), in one Spark job. On a failure the job is aborted (its files removed by the
     * commit protocol) and the failure thrown as Spark reports a failed job.
     */
    static void write(SparkSession spark, JavaRDD<InternalRow> rows, StructType schema, FileFormat format,
                      Map<String, String> options, String dir) throws IOException {
        write(spark, rows, schema, format, options, dir, null);
    }

    /**
     * As {@link #write(SparkSession, JavaRDD, StructType, FileFormat, Map, String)}, the Spark job
     * described in Spark's UI by {@code description} (not a SQL query there: there is no plan).
     */
    static void write(SparkSession spark, JavaRDD<InternalRow> rows, StructType schema, FileFormat format,
                      Map<String, String> options, String dir, String description) throws IOException {
        org.apache.spark.sql.classic.SparkSession session = (org.apache.spark.sql.classic.SparkSession) spark;
        scala.collection.immutable.Map<String, String> scalaOptions = scala.collection.immutable.Map$.MODULE$.from(
                CollectionConverters.asScala(options));
        // as FileFormatWriter sets up its job
        Job job = Job.getInstance(session.sessionState().newHadoopConfWithOptions(scalaOptions));
        job.setOutputKeyClass(Void.class);
        job.setOutputValueClass(InternalRow.class);
        Path folder = new Path(dir);
        Path qualified = folder.getFileSystem(job.getConfiguration()).makeQualified(folder);
        FileOutputFormat.setOutputPath(job, qualified);
        String jobUuid = UUID.randomUUID().toString();
        OutputWriterFactory factory = format.prepareWrite(spark, job, scalaOptions, schema);
        job.getConfiguration().set("spark.sql.sources.writeJobUUID", jobUuid);
        SQLConf conf = session.sessionState().conf();
        long maxRecords = conf.maxRecordsPerFile();
        for (Map.Entry<String, String> option : options.entrySet()) { // a write's option names ignore case
            if (option.getKey().equalsIgnoreCase(MAX_RECORDS_PER_FILE)) {
                maxRecords = Long.parseLong(option.getValue().trim());
            }
        }
        FileCommitProtocol committer = FileCommitProtocol.instantiate(conf.fileCommitProtocolClass(), jobUuid,
                qualified.toString(), false);
        committer.setupJob(job);
        try {
            JavaRDD<InternalRow> tasks = rows.getNumPartitions() > 0 ? rows
                    : JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(), 1);
            WriteTask write = new WriteTask(factory, committer, new SerializableConfiguration(job.getConfiguration()),
                    schema, maxRecords, new Date().getTime());
            org.apache.spark.SparkContext sc = spark.sparkContext();
            String describedAs = sc.getLocalProperty(JOB_DESCRIPTION);
            if (description != null) {
                sc.setJobDescription(description);
            }
            List<FileCommitProtocol.TaskCommitMessage> messages;
            try {
                // executor-side code reads the session's SQL settings as a Spark SQL job passes them
                messages = SQLExecution.withSQLConfPropagated(session,
                        () -> tasks.mapPartitionsWithIndex(write, false).collect());
            } finally {
                sc.setLocalProperty(JOB_DESCRIPTION, describedAs);
            }
            messages.forEach(committer::onTaskCommit);
            committer.commitJob(job, CollectionConverters.asScala(messages).toSeq());
        } catch (Throwable e) { // Scala's code throws checked exceptions undeclared: all end the job
            try {
                committer.abortJob(job);
            } catch (Throwable abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** One task: its rows into files of its own, committed when all are written; aborted on a failure. */
    private static final class WriteTask
            implements Function2<Integer, Iterator<InternalRow>, Iterator<FileCommitProtocol.TaskCommitMessage>> {
        private static final long serialVersionUID = 1L;
        private final OutputWriterFactory factory;
        private final FileCommitProtocol committer;
        private final SerializableConfiguration conf;
        private final StructType schema;
        private final long maxRecords;
        private final long jobInstant;

        WriteTask(OutputWriterFactory factory, FileCommitProtocol committer, SerializableConfiguration conf,
                  StructType schema, long maxRecords, long jobInstant) {
            this.factory = factory;
            this.committer = committer;
            this.conf = conf;
            this.schema = schema;
            this.maxRecords = maxRecords;
            this.jobInstant = jobInstant;
        }

        @Override
        public Iterator<FileCommitProtocol.TaskCommitMessage> call(Integer partition, Iterator<InternalRow> rows)
                throws IOException {
            TaskAttemptContext context = attemptContext(TaskContext.get());
            committer.setupTask(context);
            OutputWriter writer = null;
            try {
                // an empty task writes nothing, but the first: the folder holds at least one file, with the schema
                if (partition == 0 || rows.hasNext()) {
                    int files = 0;
                    long inFile = 0;
                    writer = open(context, files);
                    while (rows.hasNext()) {
                        InternalRow row = rows.next();
                        if (maxRecords > 0 && inFile >= maxRecords) {
                            OutputWriter full = writer;
                            writer = null;
                            full.close();
                            writer = open(context, ++files);
                            inFile = 0;
                        }
                        writer.write(row);
                        inFile++;
                    }
                    OutputWriter last = writer;
                    writer = null;
                    last.close();
                }
                List<FileCommitProtocol.TaskCommitMessage> message = new ArrayList<>(1);
                message.add(committer.commitTask(context));
                return message.iterator();
            } catch (Throwable e) {
                if (writer != null) {
                    try {
                        writer.close();
                    } catch (Throwable closing) {
                        e.addSuppressed(closing);
                    }
                }
                try {
                    committer.abortTask(context);
                } catch (Throwable abort) {
                    e.addSuppressed(abort);
                }
                throw e;
            }
        }

        /** The task's Hadoop context, with the ids FileFormatWriter gives a write task. */
        private TaskAttemptContext attemptContext(TaskContext task) {
            JobID jobId = SparkHadoopWriterUtils.createJobID(new Date(jobInstant), task.stageId());
            TaskAttemptID attempt = new TaskAttemptID(new TaskID(jobId, TaskType.MAP, task.partitionId()),
                    (int) task.taskAttemptId() & Integer.MAX_VALUE);
            Configuration c = new Configuration(conf.value());
            c.set("mapreduce.job.id", jobId.toString());
            c.set("mapreduce.task.id", attempt.getTaskID().toString());
            c.set("mapreduce.task.attempt.id", attempt.toString());
            c.setBoolean("mapreduce.task.ismap", true);
            c.setInt("mapreduce.task.partition", 0);
            return new TaskAttemptContextImpl(c, attempt);
        }

        private OutputWriter open(TaskAttemptContext context, int file) {
            if (file >= MAX_FILES_PER_TASK) {
                throw new IllegalStateException("a task would write more than " + MAX_FILES_PER_TASK
                        + " files: raise " + MAX_RECORDS_PER_FILE + " (now " + maxRecords + " rows a file)");
            }
            String suffix = String.format(Locale.ROOT, "-c%03d", file) + factory.getFileExtension(context);
            String path = committer.newTaskTempFile(context, scala.Option.empty(), new FileNameSpec("", suffix));
            return factory.newInstance(path, schema, context);
        }
    }
}
