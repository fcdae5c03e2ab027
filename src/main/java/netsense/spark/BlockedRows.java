package netsense.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;

/**
 * An iterator over output rows made a block at a time: {@link #nextBlock} reads up to a block
 * of input rows and adds what they give to {@link #ready}; the rows are handed out before the
 * next block is read, so a partition streams through holding at most one block.
 */
abstract class BlockedRows implements Iterator<Row> {
    protected final Iterator<Row> in;
    protected final List<Row> ready;
    private int cursor;

    BlockedRows(Iterator<Row> in, int blockRows) {
        this.in = in;
        this.ready = new ArrayList<>(blockRows);
    }

    /** Reads the next block of {@link #in} (which has rows) and adds its output rows to {@link #ready}. */
    protected abstract void nextBlock();

    /** Called once {@link #in} is exhausted and every row handed out; nothing by default. */
    protected void finished() {}

    /** What a block is, for the message when memory runs out: "blocks of 256 rows × 16 features". */
    protected abstract String describeBlocks();

    /**
     * An OutOfMemoryError escaping a task ends a local-mode JVM (exit 52), so it becomes a task
     * failure that names the settings to raise; also when Spark wraps one of its Parquet reader.
     */
    @Override
    public final boolean hasNext() {
        try {
            while (cursor == ready.size()) {
                ready.clear();
                cursor = 0;
                if (!in.hasNext()) {
                    finished();
                    return false;
                }
                nextBlock();
            }
            return true;
        } catch (OutOfMemoryError e) {
            ready.clear();
            throw new Failures.NotEnoughMemoryException("reading and computing " + describeBlocks(), e);
        } catch (Exception e) { // Spark may throw its checked SparkException here, unchecked in Scala
            if (!Failures.outOfMemory(e)) {
                throw e;
            }
            ready.clear();
            throw new Failures.NotEnoughMemoryException("reading " + describeBlocks(), e);
        }
    }

    @Override
    public final Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.get(cursor++);
    }
}
