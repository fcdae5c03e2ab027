package netsense.spark;

/**
 * A bad row under {@code --mode failfast}: which row ({@code id=42}, or its partition without an
 * id column) and what is wrong with it. Thrown in a task; the driver finds it, as itself, among
 * the causes of Spark's job failure.
 */
public final class BadRowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String row;
    private final String kind;
    private final String reason;

    BadRowException(String row, RowFault fault) {
        super("bad row " + row + ": " + fault.reason());
        this.row = row;
        this.kind = fault.kind().label();
        this.reason = fault.reason();
    }

    /** The row: {@code id=42}, or {@code in partition 3} when the input has no id column. */
    public String row() {
        return row;
    }

    /** The kind of fault, as rows are counted by ("NaN or infinite entry", ...). */
    public String kind() {
        return kind;
    }

    /** What is wrong, in words ("feature 1 is NaN"). */
    public String reason() {
        return reason;
    }

    /** The bad row among the causes of {@code e}, or null. */
    static BadRowException findIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadRowException b) {
                return b;
            }
        }
        return null;
    }
}
