package netsense.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Where a row's input vector x comes from, resolved against the input schema before any work
 * starts: one array column (of doubles, floats or another numeric type), one Spark ML vector
 * column (dense or sparse), or one numeric column per dimension ({@code --feature-cols}).
 * Every form is turned into one {@code array<double>} expression, so the job reads a single
 * layout; the columns "as read" are kept for the rejected rows.
 */
public final class FeatureSource {
    /** How the features are stored in the input. */
    public enum Kind { ARRAY, VECTOR, COLUMNS }

    private final Kind kind;
    private final List<String> rawColumns;
    private final Column asDoubleArray;
    private final int declaredWidth;
    private final List<String> dimensionNames;

    private FeatureSource(Kind kind, List<String> rawColumns, Column asDoubleArray, int declaredWidth,
                          List<String> dimensionNames) {
        this.kind = kind;
        this.rawColumns = rawColumns;
        this.asDoubleArray = asDoubleArray;
        this.declaredWidth = declaredWidth;
        this.dimensionNames = dimensionNames;
    }

    /**
     * Resolves the features: {@code featureCols} when not empty, else the column
     * {@code featuresCol}.
     *
     * @throws InvalidSetupException naming the column and what is wrong with it
     */
    public static FeatureSource resolve(StructType schema, String featuresCol, List<String> featureCols) {
        if (featureCols != null && !featureCols.isEmpty()) {
            List<Column> parts = new ArrayList<>();
            for (String name : featureCols) {
                StructField f = field(schema, name, "feature column");
                if (!(f.dataType() instanceof NumericType)) {
                    throw new InvalidSetupException("feature column \"" + name + "\" has type "
                            + f.dataType().simpleString() + "; --feature-cols takes numeric columns");
                }
                parts.add(col(quote(name)).cast(DataTypes.DoubleType));
            }
            return new FeatureSource(Kind.COLUMNS, List.copyOf(featureCols),
                    array(parts.toArray(new Column[0])), featureCols.size(), List.copyOf(featureCols));
        }
        StructField f = field(schema, featuresCol, "features column");
        DataType type = f.dataType();
        Column c = col(quote(featuresCol));
        if (type instanceof ArrayType at && at.elementType() instanceof NumericType) {
            Column doubles = at.elementType().equals(DataTypes.DoubleType)
                    ? c : c.cast(DataTypes.createArrayType(DataTypes.DoubleType, true));
            return new FeatureSource(Kind.ARRAY, List.of(featuresCol), doubles, -1, null);
        }
        if (type instanceof UserDefinedType<?> udt && udt.userClass().getName().endsWith("linalg.Vector")) {
            int width = -1;
            try {
                width = AttributeGroup.fromStructField(f).size();
            } catch (RuntimeException e) {
                // no ML attribute metadata: width found from the rows
            }
            // vector_to_array throws on null: a null vector is a null array, which the job rejects as a bad row
            Column doubles = when(c.isNull(), lit(null).cast(DataTypes.createArrayType(DataTypes.DoubleType, true)))
                    .otherwise(org.apache.spark.ml.functions.vector_to_array(c, "float64"));
            return new FeatureSource(Kind.VECTOR, List.of(featuresCol), doubles, width, null);
        }
        throw new InvalidSetupException("features column \"" + featuresCol + "\" has type " + type.simpleString()
                + "; expected array<double>, array<float> (or another numeric array) or a Spark ML vector"
                + " (or name one numeric column per dimension with --feature-cols)");
    }

    private static StructField field(StructType schema, String name, String what) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new InvalidSetupException("the input has no " + what + " \"" + name + "\" (its columns: "
                + Arrays.stream(schema.fieldNames()).collect(Collectors.joining(", ")) + ")");
    }

    /** A column name as an unresolved attribute, safe for names with dots or spaces. */
    public static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    public Kind kind() {
        return kind;
    }

    /** The input columns the features are read from, as they are; carried to rejected rows. */
    public List<String> rawColumns() {
        return rawColumns;
    }

    /** The features as one {@code array<double>} expression (null where the input is null). */
    public Column asDoubleArray() {
        return asDoubleArray;
    }

    /** The width the schema declares (feature columns, vector metadata), or −1 when only the rows tell. */
    public int declaredWidth() {
        return declaredWidth;
    }

    /**
     * Refuses a width the schema declares (feature columns, vector metadata) that is not the
     * model's input width; nothing to check when only the rows tell.
     *
     * @throws InvalidSetupException naming both widths
     */
    public void requireDeclaredWidth(Network net) {
        if (declaredWidth >= 0 && declaredWidth != net.inputWidth()) {
            throw new InvalidSetupException("the input has " + declaredWidth + " features per row, the model takes "
                    + net.inputWidth() + " (model shape " + net.shape() + ")");
        }
    }

    /** A name per input dimension: the column names, or {@code features[0]}, {@code features[1]}, .... */
    public List<String> dimensionNames(int width) {
        if (dimensionNames != null) {
            return dimensionNames;
        }
        List<String> names = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            names.add(rawColumns.get(0) + "[" + i + "]");
        }
        return names;
    }
}
