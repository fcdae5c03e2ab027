package netsense.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Where things are in the rows the job reads: {@code [carried columns..., raw feature
 * columns..., features as array<double>, (baseline as array<double>), (the group key), (the input file's name)]},
 * the id being one of the carried columns.
 *
 * @param schema  the rows' schema
 * @param carried how many carried columns come first
 * @param raw     how many raw feature columns follow them
 * @param id      the id's position among the carried columns, or −1
 * @param idName  the id column's name, or null
 * @param files   whether the input file's name comes last (counting rows per file)
 * @param hasBaseline whether a per-row baseline array follows the features (integrated gradients)
 * @param hasGroup whether the group key ({@code --group-by}) follows them
 */
record RowLayout(StructType schema, int carried, int raw, int id, String idName, boolean files, boolean hasBaseline,
                 boolean hasGroup) implements Serializable {
    RowLayout(StructType schema, int carried, int raw, int id, String idName, boolean files) {
        this(schema, carried, raw, id, idName, files, false, false);
    }

    RowLayout(StructType schema, int carried, int raw, int id, String idName, boolean files, boolean hasBaseline) {
        this(schema, carried, raw, id, idName, files, hasBaseline, false);
    }

    /** The position of the group key, or −1. */
    int group() {
        return hasGroup ? carried + raw + 1 + (hasBaseline ? 1 : 0) : -1;
    }

    /** The group key of a row, as a value that outlives the row (strings copied); null for a null key. */
    Object groupKey(InternalRow row) {
        int at = group();
        if (row.isNullAt(at)) {
            return null;
        }
        Object v = row.get(at, schema.fields()[at].dataType());
        return v instanceof org.apache.spark.unsafe.types.UTF8String s ? s.clone() : v;
    }

    /** The position of the features array. */
    int features() {
        return carried + raw;
    }

    /** The position of the per-row baseline array, or −1. */
    int baseline() {
        return hasBaseline ? carried + raw + 1 : -1;
    }

    /** The position of the file name, when counted. */
    int file() {
        return carried + raw + 1 + (hasBaseline ? 1 : 0) + (hasGroup ? 1 : 0);
    }

    /** The types of the first {@code n} columns. */
    DataType[] types(int n) {
        DataType[] types = new DataType[n];
        for (int i = 0; i < n; i++) {
            types[i] = schema.fields()[i].dataType();
        }
        return types;
    }

    /** A row as a failfast message names it: {@code id=42}, or its partition. */
    String describe(InternalRow row, int partition) {
        if (id < 0) {
            return "in partition " + partition;
        }
        return idName + "=" + (row.isNullAt(id) ? "null" : row.get(id, schema.fields()[id].dataType()));
    }
}
