package netsense.spark;

import java.util.Locale;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The element type of the vector column written per row: {@code double}, or {@code float},
 * which halves the output for wide inputs. The statistics are float64 either way.
 */
public enum VectorType {
    DOUBLE(DataTypes.DoubleType), FLOAT(DataTypes.FloatType);

    private final DataType element;

    VectorType(DataType element) {
        this.element = element;
    }

    DataType element() {
        return element;
    }

    /** As users write it: {@code double} or {@code float}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
