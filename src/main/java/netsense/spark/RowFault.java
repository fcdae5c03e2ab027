package netsense.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * What is wrong with a row: its kind, by which bad rows are counted, and the reason in words,
 * as {@code rejected/}'s {@code error} column and a failfast stop give it.
 */
record RowFault(Kind kind, String reason) implements Serializable {
    RowFault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    /** The kinds of bad row, with the names summary.json and the report count them by. */
    enum Kind {
        NULL_FEATURES("null features"),
        WRONG_LENGTH("wrong length"),
        NULL_ENTRY("null entry"),
        NON_FINITE_ENTRY("NaN or infinite entry"),
        BAD_BASELINE("bad baseline"),
        NON_FINITE_RESULT("non-finite result");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        /** Whether a row of this kind is bad on its face, before any gradient is computed. */
        boolean onItsFace() {
            return this != NON_FINITE_RESULT;
        }
    }

    @Override
    public String toString() {
        return reason;
    }
}
