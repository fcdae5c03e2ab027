package netsense.spark;

import java.io.Serializable;
import java.util.Locale;
import netsense.core.BootstrapSummary;
import netsense.core.BottomKSample;
import netsense.core.DgsmBound;
import netsense.core.GroupedSummaries;
import netsense.io.InvalidSetupException;

/**
 * The global-sensitivity settings of a gradient job (SPEC, "Global sensitivity: bounds,
 * uncertainty, groups"): the Poincaré constant of the DGSM bound ({@code --dgsm-bound}, null:
 * no bound) and the file of input bounds ({@code --input-bounds}, null: the observed range);
 * the bootstrap ({@code --bootstrap} B, 0: none; {@code --confidence}; {@code --seed}); the
 * group column ({@code --group-by}, null: none) and {@code --max-groups}; and the rows of the
 * sample ({@code --sample-rows}, 0: no sample).
 */
public record GlobalOptions(DgsmBound.Poincare dgsmBound, String inputBounds, int bootstrap, double confidence,
                            long seed, String groupBy, int maxGroups, int sampleRows) implements Serializable {
    public static final double DEFAULT_CONFIDENCE = 0.95;

    /** The defaults: no bound, no bootstrap, no groups, a sample of {@link BottomKSample#DEFAULT_ROWS} rows. */
    public static GlobalOptions defaults() {
        return new GlobalOptions(null, null, 0, DEFAULT_CONFIDENCE, 0, null, GroupedSummaries.DEFAULT_MAX_GROUPS,
                BottomKSample.DEFAULT_ROWS);
    }

    public GlobalOptions withDgsmBound(DgsmBound.Poincare p, String boundsFile) {
        return new GlobalOptions(p, boundsFile, bootstrap, confidence, seed, groupBy, maxGroups, sampleRows);
    }

    public GlobalOptions withBootstrap(int b, double c, long s) {
        return new GlobalOptions(dgsmBound, inputBounds, b, c, s, groupBy, maxGroups, sampleRows);
    }

    public GlobalOptions withGroupBy(String column, int max) {
        return new GlobalOptions(dgsmBound, inputBounds, bootstrap, confidence, seed, column, max, sampleRows);
    }

    public GlobalOptions withSampleRows(int k) {
        return new GlobalOptions(dgsmBound, inputBounds, bootstrap, confidence, seed, groupBy, maxGroups, k);
    }

    /** Refuses settings that are wrong whatever the model and input, naming the option. */
    public void validate() {
        if (bootstrap < 0) {
            throw new InvalidSetupException("--bootstrap is a number of replicates, 0 (none) or more; got " + bootstrap);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new InvalidSetupException("--confidence is a level between 0 and 1 (e.g. 0.95); got " + confidence);
        }
        if (maxGroups < 1) {
            throw new InvalidSetupException("--max-groups must be at least 1, got " + maxGroups);
        }
        if (sampleRows < 0) {
            throw new InvalidSetupException("--sample-rows is 0 (no sample) or more, got " + sampleRows);
        }
        if (inputBounds != null && dgsmBound != DgsmBound.Poincare.UNIFORM) {
            throw new InvalidSetupException("--input-bounds applies to --dgsm-bound uniform"
                    + (dgsmBound == null ? "" : ", not " + dgsmBound.id()));
        }
    }

    /**
     * Refuses a bootstrap whose replicates would not fit a task's memory
     * ({@link BootstrapSummary#fits}, {@link BootstrapSummary#DEFAULT_MEMORY_LIMIT}), for
     * {@code outputs} outputs of {@code dimensions} entries each.
     */
    void checkBootstrapMemory(int dimensions, int outputs) {
        if (bootstrap == 0) {
            return;
        }
        long limit = BootstrapSummary.DEFAULT_MEMORY_LIMIT;
        long bytes = (long) outputs * BootstrapSummary.memoryBytes(bootstrap, dimensions);
        boolean fits = BootstrapSummary.fits(bootstrap, dimensions, limit) && bytes <= limit;
        if (!fits) {
            throw new InvalidSetupException(String.format(Locale.ROOT, "--bootstrap %d of %,d dimensions%s needs"
                    + " %,d MB per task, more than the limit of %,d MB; use fewer replicates", bootstrap, dimensions,
                    outputs > 1 ? " × " + outputs + " outputs" : "", bytes >> 20, limit >> 20));
        }
    }
}
