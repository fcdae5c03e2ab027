package netsense.spark;

/** A bad row under {@code --mode failfast}: the message names the row and the fault. */
public final class BadRowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRowException(String message) {
        super(message);
    }
}
