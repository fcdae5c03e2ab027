package netsense.spark;

import java.util.Locale;

/** What the job does with a bad row. */
public enum Mode {
    /** Bad rows go to {@code rejected/} with their reason. */
    PERMISSIVE,
    /** Bad rows are counted and dropped. */
    DROPMALFORMED,
    /** The first bad row stops the job with its id and reason. */
    FAILFAST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode fromId(String id) {
        for (Mode m : values()) {
            if (m.id().equalsIgnoreCase(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode \"" + id + "\" (known: permissive, dropmalformed, failfast)");
    }
}
