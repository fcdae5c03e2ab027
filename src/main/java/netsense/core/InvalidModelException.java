package netsense.core;

/** A model that breaks a rule of the model format; the message names the layer and the fault. */
public final class InvalidModelException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
