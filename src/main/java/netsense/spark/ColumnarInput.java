package netsense.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The pass's input rows read straight from the column batches of Spark's vectorized Parquet
 * reader, where the pass's projection only picks and renames columns of the file: each row a
 * view of one position of a batch, its columns in the projection's order. Spark's own plan for
 * the same rows turns every batch position into a compact row first (a copy of each features
 * array), which the pass then copies again into its block; here the block reads the batch.
 *
 * <p>Spark internals used, all here: the physical plan's node classes (whole-stage code
 * generation, project, columnar-to-row, the file scan) and {@code executeColumnar}. A plan of
 * any other shape — an expression in the projection (a cast of floats, a vector column, the
 * input file's name), a scan that is not columnar — gets null, and the job reads Spark's rows
 * as before. ColumnarInputTest checks both, against Spark's rows, and fails on an upgrade that
 * changes the plan's shape.
 */
final class ColumnarInput {
    private ColumnarInput() {}

    /** The rows of {@code ds} from its scan's column batches, or null when its plan is not a plain columnar scan. */
    static RDD<InternalRow> rowsOrNull(Dataset<Row> ds) {
        SparkPlan node = ds.queryExecution().executedPlan();
        // each wanted column as the attribute it is below the projections seen so far
        List<Attribute> sources = new ArrayList<>(CollectionConverters.asJava(node.output()));
        boolean columnarToRow = false;
        while (true) {
            if (node instanceof WholeStageCodegenExec w) {
                node = w.child();
            } else if (node instanceof InputAdapter a) {
                node = a.child();
            } else if (node instanceof ColumnarToRowExec c) {
                columnarToRow = true;
                node = c.child();
            } else if (node instanceof ProjectExec p && !columnarToRow) {
                List<NamedExpression> list = CollectionConverters.asJava(p.projectList());
                for (int i = 0; i < sources.size(); i++) {
                    Attribute below = null;
                    for (NamedExpression e : list) {
                        if (e.exprId().equals(sources.get(i).exprId())) {
                            Object source = e instanceof Alias alias ? alias.child() : e;
                            if (!(source instanceof AttributeReference a)) {
                                return null; // a computed column: Spark's rows
                            }
                            below = a;
                            break;
                        }
                    }
                    if (below == null) {
                        return null;
                    }
                    sources.set(i, below);
                }
                node = p.child();
            } else {
                break;
            }
        }
        if (!columnarToRow || !(node instanceof FileSourceScanExec scan) || !scan.supportsColumnar()) {
            return null;
        }
        List<Attribute> scanned = CollectionConverters.asJava(scan.output());
        int[] columns = new int[sources.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = -1;
            for (int j = 0; j < scanned.size(); j++) {
                if (scanned.get(j).exprId().equals(sources.get(i).exprId())) {
                    columns[i] = j;
                    break;
                }
            }
            if (columns[i] < 0) {
                return null;
            }
        }
        return scan.executeColumnar().toJavaRDD().mapPartitions(new BatchRows(columns)).rdd();
    }

    /** Each batch's positions as rows whose column i is the batch's column {@code columns[i]}. */
    private static final class BatchRows implements FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> {
        private static final long serialVersionUID = 1L;
        private final int[] columns;

        BatchRows(int[] columns) {
            this.columns = columns;
        }

        @Override
        public Iterator<InternalRow> call(Iterator<ColumnarBatch> batches) {
            return new Iterator<>() {
                private ColumnarBatch view;
                private int next;

                @Override
                public boolean hasNext() {
                    while (view == null || next >= view.numRows()) {
                        if (!batches.hasNext()) {
                            return false;
                        }
                        ColumnarBatch batch = batches.next(); // the reader refills it on its next call
                        ColumnVector[] picked = new ColumnVector[columns.length];
                        for (int i = 0; i < columns.length; i++) {
                            picked[i] = batch.column(columns[i]);
                        }
                        view = new ColumnarBatch(picked, batch.numRows());
                        next = 0;
                    }
                    return true;
                }

                @Override
                public InternalRow next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return view.getRow(next++); // one row object, moved along the batch
                }
            };
        }
    }
}
