package netsense.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator over output rows made a block at a time: {@link #nextBlock} reads up to a block
 * of input rows and says how many output rows they give; {@link #row} builds each one when it
 * is asked for, so that a partition streams through holding at most one block, and an output
 * row may be a reused object, valid until the next one.
 *
 * @param <I> input rows
 * @param <O> output rows
 */
abstract class BlockedRows<I, O> implements Iterator<O> {
    protected final Iterator<I> in;
    private int available;
    private int cursor;

    BlockedRows(Iterator<I> in) {
        this.in = in;
    }

    /** Reads the next block of {@link #in} (which has rows); returns how many output rows it gives. */
    protected abstract int nextBlock();

    /** Output row {@code i} of the current block, {@code i} = 0, 1, ... in turn. */
    protected abstract O row(int i);

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
            while (cursor == available) {
                available = 0;
                cursor = 0;
                if (!in.hasNext()) {
                    finished();
                    return false;
                }
                available = nextBlock();
            }
            return true;
        } catch (OutOfMemoryError e) {
            available = 0;
            throw new Failures.NotEnoughMemoryException("reading and computing " + describeBlocks(), e);
        } catch (Exception e) { // Spark may throw its checked SparkException here, unchecked in Scala
            if (!Failures.outOfMemory(e)) {
                throw e;
            }
            available = 0;
            throw new Failures.NotEnoughMemoryException("reading " + describeBlocks(), e);
        }
    }

    @Override
    public final O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return row(cursor++);
    }
}
