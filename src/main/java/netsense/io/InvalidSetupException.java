package netsense.io;

/**
 * The command, the model or the input schema is wrong: the job is refused before any work
 * starts and nothing is written. The message is one line for the user.
 */
public class InvalidSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidSetupException(String message) {
        super(message);
    }

    public InvalidSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
