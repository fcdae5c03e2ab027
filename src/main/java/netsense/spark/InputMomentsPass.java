package netsense.spark;

import java.util.Iterator;
import java.util.List;
import netsense.core.ColumnMoments;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The first pass some methods need (SPEC: {@code --baseline mean}, {@code --noise-rel}): the
 * mean and standard deviation of each input dimension over the rows whose features are good
 * on their face, merged in partition order (so the figures repeat run to run).
 */
final class InputMomentsPass implements FlatMapFunction<Iterator<InternalRow>, ColumnMoments> {
    private static final long serialVersionUID = 1L;
    private static final int BLOCK = 256;
    private final int ordinal;
    private final int n1;

    private InputMomentsPass(int ordinal, int n1) {
        this.ordinal = ordinal;
        this.n1 = n1;
    }

    /** The moments of the features at {@code ordinal} (n1 of them) over {@code rows}. */
    static ColumnMoments of(JavaRDD<InternalRow> rows, int ordinal, int n1) {
        List<ColumnMoments> parts = rows.mapPartitions(new InputMomentsPass(ordinal, n1)).collect();
        ColumnMoments all = new ColumnMoments(n1);
        for (ColumnMoments m : parts) {
            all.merge(m);
        }
        return all;
    }

    @Override
    public Iterator<ColumnMoments> call(Iterator<InternalRow> rows) {
        ColumnMoments moments = new ColumnMoments(n1);
        double[] block = new double[BLOCK * n1];
        int staged = 0;
        while (rows.hasNext()) {
            if (InternalRows.readFeatures(rows.next(), ordinal, block, staged * n1, n1) == null && ++staged == BLOCK) {
                moments.add(block, 0, staged);
                staged = 0;
            }
        }
        moments.add(block, 0, staged);
        return List.of(moments).iterator();
    }
}
