package netsense.spark;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.GenerateUnsafeRowJoiner;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowJoiner;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The one place netsense uses Spark's internal row API: a Dataset's rows as Spark holds them
 * ({@link InternalRow}: arrays of primitives, strings as UTF-8 bytes) and back, so that the job
 * reads features and writes gradients without a Java object per value. Spark's public row
 * encoder boxes every entry of an {@code array<double>} on the way in and again on the way
 * out, which costs more than the gradient itself (README, "Performance").
 *
 * <p>Internal API: {@code InternalRowsTest} fails loudly when a Spark upgrade changes it.
 */
final class InternalRows {
    private InternalRows() {}

    /**
     * The rows of {@code ds}, as its plan produces them. The iterator of a partition may reuse
     * one row object: {@link #prefixCopier} keeps what must outlive the next row.
     */
    static RDD<InternalRow> of(Dataset<Row> ds) {
        return ds.queryExecution().toRdd();
    }

    /** A DataFrame over rows that hold values in Spark's internal form for {@code schema}. */
    static Dataset<Row> toDataFrame(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
        return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows, schema, false);
    }

    /**
     * The rows of {@code sample/} in Spark's internal form (generic rows: a few thousand, written
     * once; a compact copy of each would only cost a generated projection's compilation), for {@code schema} = {@code [carried...,
     * features array<double>, output, vector]} (output a double, or an array of J; the vector an
     * array of n1 doubles or floats, or J of them): the carried columns from each row's payload
     * ({@link #payloadOf}; null without carried columns), x, the outputs and the vectors.
     */
    static java.util.List<InternalRow> sampleRows(java.util.List<netsense.core.BottomKSample.Row> rows,
                                                  StructType schema, int carried, int outputs, int n1) {
        DataType[] types = new DataType[carried];
        for (int c = 0; c < carried; c++) {
            types[c] = schema.fields()[c].dataType();
        }
        DataType vectorType = schema.fields()[carried + 2].dataType();
        DataType element = ((org.apache.spark.sql.types.ArrayType) vectorType).elementType();
        if (outputs > 1) {
            element = ((org.apache.spark.sql.types.ArrayType) element).elementType();
        }
        boolean floats = element == DataTypes.FloatType;
        java.util.List<InternalRow> out = new java.util.ArrayList<>(rows.size());
        for (netsense.core.BottomKSample.Row r : rows) {
            Object[] values = new Object[carried + 3];
            InternalRow payload = carried == 0 ? null : payloadRow((byte[]) r.payload(), carried);
            for (int c = 0; c < carried; c++) {
                values[c] = payload.isNullAt(c) ? null : payload.get(c, types[c]);
            }
            // Spark's compact arrays, as the pass's rows hold: the column writer that wrote those, compiled
            // for them, then writes these too without a deoptimisation and a recompilation
            values[carried] = UnsafeArrayData.fromPrimitiveArray(r.x());
            if (outputs == 1) {
                values[carried + 1] = r.outputs()[0] + 0.0;
                values[carried + 2] = vectorData(r.vector(), 0, n1, floats);
            } else {
                double[] o = r.outputs().clone();
                Object[] v = new Object[outputs];
                for (int k = 0; k < outputs; k++) {
                    o[k] += 0.0;
                    v[k] = vectorData(r.vector(), k * n1, n1, floats);
                }
                values[carried + 1] = new org.apache.spark.sql.catalyst.util.GenericArrayData(o);
                values[carried + 2] = new org.apache.spark.sql.catalyst.util.GenericArrayData(v);
            }
            out.add(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(values));
        }
        return out;
    }

    /**
     * A sample row's payload: the bytes of the compact row of its carried columns. Bytes, not the
     * row: every task sends its sample to the driver, and a byte array is written and read whole
     * where a row object goes through Java serialization's per-object path.
     */
    static byte[] payloadOf(InternalRow carried) {
        // a copied row (UnsafeRow.copy) owns an array of its exact size, which getBytes hands out as is;
        // a row pointing into a reused buffer would be copied
        return ((UnsafeRow) carried).getBytes();
    }

    /** The compact row of {@code fields} columns whose bytes {@link #payloadOf} gave. */
    static UnsafeRow payloadRow(byte[] payload, int fields) {
        UnsafeRow row = new UnsafeRow(fields);
        row.pointTo(payload, payload.length);
        return row;
    }

    private static ArrayData vectorData(double[] v, int off, int n, boolean floats) {
        if (floats) {
            float[] f = new float[n];
            for (int j = 0; j < n; j++) {
                f[j] = (float) v[off + j] + 0.0f;
            }
            return UnsafeArrayData.fromPrimitiveArray(f);
        }
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
            d[j] = v[off + j] + 0.0;
        }
        return UnsafeArrayData.fromPrimitiveArray(d);
    }

    /** Copies of the first columns of rows, of these types: compact rows of their own (apply, then copy). */
    static UnsafeProjection prefixCopier(DataType[] types) {
        return UnsafeProjection.create(types);
    }

    /**
     * Copies column {@code ordinal} of {@code row}, an {@code array<double>}, into
     * {@code x[off..off+n)} without boxing; null when it is a good row's, else the fault.
     */
    static RowFault readFeatures(InternalRow row, int ordinal, double[] x, int off, int n) {
        if (row.isNullAt(ordinal)) {
            return FeatureRows.NULL_FEATURES;
        }
        ArrayData a = row.getArray(ordinal);
        int length = a.numElements();
        if (length != n) {
            return FeatureRows.wrongLength(length, n);
        }
        if (a instanceof UnsafeArrayData u && noNulls(u, n)) { // Spark's compact form: the doubles in one copy
            long at = u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n);
            Platform.copyMemory(u.getBaseObject(), at, x, Platform.DOUBLE_ARRAY_OFFSET + 8L * off, 8L * n);
            boolean finite = true;
            for (int j = 0; j < n; j++) {
                finite &= Double.isFinite(x[off + j]);
            }
            if (finite) {
                return null;
            }
        }
        for (int j = 0; j < n; j++) {
            if (a.isNullAt(j)) {
                return FeatureRows.nullEntry(j);
            }
            double d = a.getDouble(j);
            if (!Double.isFinite(d)) {
                return FeatureRows.nonFinite(j, d);
            }
            x[off + j] = d;
        }
        return null;
    }

    /** Whether the compact array of n entries has no null entry: its null bits (after the count) are all clear. */
    private static boolean noNulls(UnsafeArrayData a, int n) {
        Object base = a.getBaseObject();
        long bits = a.getBaseOffset() + 8;
        for (int w = 0; w < (n + 63) / 64; w++) {
            if (Platform.getLong(base, bits + 8L * w) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The rows of {@code gradients/} — {@code [carried..., output, vector, l1, l2, linf, (delta)]},
     * scalars and one vector a row for one output, arrays of J (and J vectors) for J outputs —
     * written straight into Spark's compact form, as Spark's generated code writes them: the
     * result columns by an {@link UnsafeRowWriter} into one reused buffer, the carried columns
     * (already a compact row of their own) joined in front by a generated {@link UnsafeRowJoiner}.
     * No intermediate row, no array object per row. A built row is valid until the next is built.
     */
    static final class ResultRows {
        private final UnsafeRowWriter results;
        private final UnsafeArrayWriter outer;   // J > 1: the arrays of J
        private final UnsafeArrayWriter vector;
        private final boolean floats;
        private final int outputs;
        private final boolean delta;
        private final UnsafeRowJoiner joiner; // null without carried columns, or when they are written directly
        private final int base;               // the first result column: 0, or the carried columns' count (direct)
        private double[] scratch = new double[0];

        /**
         * @param carried the carried columns' schema (may be empty)
         * @param results the result columns' schema (5, or 6 with delta), the vector's elements DOUBLE or FLOAT
         * @param outputs J: 1 (scalar columns) or more (array columns)
         */
        ResultRows(StructType carried, StructType results, int width, int outputs) {
            this(carried, results, width, outputs, false);
        }

        /**
         * As {@link #ResultRows(StructType, StructType, int, int)}; with {@code direct} the carried
         * columns (all of fixed width: {@link FixedCarried#supports}) are written into the row
         * itself from a {@link FixedCarried} ({@link #build(FixedCarried, int, double[], int, double[],
         * int, int, double[], int, double[], int)}), with no row of their own and no join.
         */
        ResultRows(StructType carried, StructType results, int width, int outputs, boolean direct) {
            DataType element = ((org.apache.spark.sql.types.ArrayType) results.fields()[1].dataType()).elementType();
            if (outputs > 1) {
                element = ((org.apache.spark.sql.types.ArrayType) element).elementType();
            }
            this.floats = element == DataTypes.FloatType;
            this.outputs = outputs;
            this.delta = results.size() == 6;
            this.base = direct ? carried.size() : 0;
            this.results = new UnsafeRowWriter(base + results.size(), 8 * (8 + base + outputs * (width + 8)));
            this.outer = new UnsafeArrayWriter(this.results, 8);
            this.vector = new UnsafeArrayWriter(this.results, floats ? 4 : 8);
            this.joiner = carried.isEmpty() || direct ? null : GenerateUnsafeRowJoiner.create(carried, results);
        }

        /**
         * The row of slot {@code slot}'s carried values in {@code carried} and the results of one
         * row, as {@link #build(InternalRow, double[], int, double[], int, int, double[], int, double[], int)}
         * (direct mode only).
         */
        InternalRow build(FixedCarried carried, int slot, double[] out, int outOff, double[] v, int vecOff, int n,
                          double[] norms, int normOff, double[] deltas, int deltaOff) {
            UnsafeRowWriter w = results;
            w.reset();
            w.zeroOutNullBytes();
            carried.writeInto(w, slot);
            writeResults(out, outOff, v, vecOff, n, norms, normOff, deltas, deltaOff);
            return w.getRow();
        }

        /**
         * The row of {@code carried} (a compact row of the carried columns, or null without them)
         * and the results of one row: J outputs from {@code outOff}, J vectors of n from
         * {@code vecOff}, 3 J norms from {@code normOff} (L1, L2, L∞ of each vector), J gaps from
         * {@code deltaOff}; −0.0 is written as 0.0. Not modified: the arrays.
         */
        InternalRow build(InternalRow carried, double[] out, int outOff, double[] v, int vecOff, int n, double[] norms,
                          int normOff, double[] deltas, int deltaOff) {
            UnsafeRowWriter w = results;
            w.reset();
            w.zeroOutNullBytes();
            writeResults(out, outOff, v, vecOff, n, norms, normOff, deltas, deltaOff);
            UnsafeRow row = w.getRow();
            return joiner == null ? row : joiner.join((UnsafeRow) carried, row);
        }

        /** The result columns, from column {@code base} on. */
        private void writeResults(double[] out, int outOff, double[] v, int vecOff, int n, double[] norms, int normOff,
                                  double[] deltas, int deltaOff) {
            UnsafeRowWriter w = results;
            int b = base;
            if (outputs == 1) {
                w.write(b, out[outOff] + 0.0);
                int start = w.cursor();
                writeVector(v, vecOff, n);
                w.setOffsetAndSizeFromPreviousCursor(b + 1, start);
                for (int i = 0; i < 3; i++) {
                    w.write(b + 2 + i, norms[normOff + i]);
                }
                if (delta) {
                    w.write(b + 5, deltas[deltaOff] + 0.0);
                }
            } else {
                writeDoubles(b, out, outOff, 1);
                int start = w.cursor();
                outer.initialize(outputs);
                for (int o = 0; o < outputs; o++) {
                    int at = w.cursor();
                    writeVector(v, vecOff + o * n, n);
                    outer.setOffsetAndSizeFromPreviousCursor(o, at);
                }
                w.setOffsetAndSizeFromPreviousCursor(b + 1, start);
                for (int i = 0; i < 3; i++) {
                    writeDoubles(b + 2 + i, norms, normOff + i, 3);
                }
                if (delta) {
                    writeDoubles(b + 5, deltas, deltaOff, 1);
                }
            }
        }

        private void writeVector(double[] v, int off, int n) {
            int start = results.cursor();
            vector.initialize(n);
            if (!floats) { // the doubles, −0.0 made 0.0, in one copy after the array's header
                if (scratch.length < n) {
                    scratch = new double[n];
                }
                for (int j = 0; j < n; j++) {
                    scratch[j] = v[off + j] + 0.0;
                }
                Platform.copyMemory(scratch, Platform.DOUBLE_ARRAY_OFFSET, results.getBuffer(),
                        start + UnsafeArrayData.calculateHeaderPortionInBytes(n), 8L * n);
                return;
            }
            if (floats) {
                for (int j = 0; j < n; j++) {
                    vector.write(j, (float) v[off + j] + 0.0f);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    vector.write(j, v[off + j] + 0.0);
                }
            }
        }

        /** Column {@code column}: an array of J doubles, {@code values[off + o·stride]}. */
        private void writeDoubles(int column, double[] values, int off, int stride) {
            int start = results.cursor();
            outer.initialize(outputs);
            for (int o = 0; o < outputs; o++) {
                outer.write(o, values[off + o * stride] + 0.0);
            }
            results.setOffsetAndSizeFromPreviousCursor(column, start);
        }
    }

    /**
     * The carried columns of a block's rows when every one has a fixed width (integers, floats,
     * booleans, dates, timestamps): each slot's values as 8-byte words and null flags, written
     * straight into the output row — no compact row, copy and join per row, as for other types.
     */
    static final class FixedCarried {
        private final DataType[] types;
        private final int k;
        private final long[] words;
        private final boolean[] nulls;
        private final UnsafeRowWriter single; // a slot's values as a row of their own, on demand

        FixedCarried(DataType[] types, int capacity) {
            this.types = types.clone();
            this.k = types.length;
            this.words = new long[capacity * k];
            this.nulls = new boolean[capacity * k];
            this.single = new UnsafeRowWriter(k);
        }

        /** Whether every type is one these hold. */
        static boolean supports(DataType[] types) {
            for (DataType t : types) {
                if (!(t == DataTypes.LongType || t == DataTypes.IntegerType || t == DataTypes.ShortType
                        || t == DataTypes.ByteType || t == DataTypes.BooleanType || t == DataTypes.DoubleType
                        || t == DataTypes.FloatType || t == DataTypes.DateType || t == DataTypes.TimestampType)) {
                    return false;
                }
            }
            return true;
        }

        /** Keeps the first k columns of {@code row} in {@code slot}. */
        void read(InternalRow row, int slot) {
            int o = slot * k;
            for (int c = 0; c < k; c++) {
                boolean isNull = row.isNullAt(c);
                nulls[o + c] = isNull;
                words[o + c] = isNull ? 0 : word(row, c, types[c]);
            }
        }

        private static long word(InternalRow row, int c, DataType t) {
            if (t == DataTypes.LongType || t == DataTypes.TimestampType) {
                return row.getLong(c);
            }
            if (t == DataTypes.IntegerType || t == DataTypes.DateType) {
                return row.getInt(c);
            }
            if (t == DataTypes.DoubleType) {
                return Double.doubleToRawLongBits(row.getDouble(c));
            }
            if (t == DataTypes.FloatType) {
                return Float.floatToRawIntBits(row.getFloat(c));
            }
            if (t == DataTypes.ShortType) {
                return row.getShort(c);
            }
            if (t == DataTypes.ByteType) {
                return row.getByte(c);
            }
            return row.getBoolean(c) ? 1 : 0;
        }

        /** Slot {@code from}'s values to slot {@code to}. */
        void move(int from, int to) {
            System.arraycopy(words, from * k, words, to * k, k);
            System.arraycopy(nulls, from * k, nulls, to * k, k);
        }

        /** Slot {@code slot}'s values into columns 0..k−1 of the row {@code w} is writing. */
        void writeInto(UnsafeRowWriter w, int slot) {
            int o = slot * k;
            for (int c = 0; c < k; c++) {
                if (nulls[o + c]) {
                    w.setNullAt(c);
                    continue;
                }
                long v = words[o + c];
                DataType t = types[c];
                if (t == DataTypes.LongType || t == DataTypes.TimestampType) {
                    w.write(c, v);
                } else if (t == DataTypes.IntegerType || t == DataTypes.DateType) {
                    w.write(c, (int) v);
                } else if (t == DataTypes.DoubleType) {
                    w.write(c, Double.longBitsToDouble(v));
                } else if (t == DataTypes.FloatType) {
                    w.write(c, Float.intBitsToFloat((int) v));
                } else if (t == DataTypes.ShortType) {
                    w.write(c, (short) v);
                } else if (t == DataTypes.ByteType) {
                    w.write(c, (byte) v);
                } else {
                    w.write(c, v != 0);
                }
            }
        }

        /** Slot {@code slot}'s values as a compact row of their own (a copy: the sample keeps it). */
        InternalRow row(int slot) {
            single.reset();
            single.zeroOutNullBytes();
            writeInto(single, slot);
            return single.getRow().copy();
        }
    }

    /**
     * Output rows of a schema, set column by column into one reused row and handed out in
     * Spark's compact form ({@link #build}); a built row is valid until the next is built.
     */
    static final class RowBuilder {
        private final DataType[] types;
        private final SpecificInternalRow row;
        private final UnsafeProjection compact;

        RowBuilder(StructType schema) {
            this.types = new DataType[schema.size()];
            for (int i = 0; i < types.length; i++) {
                types[i] = schema.fields()[i].dataType();
            }
            this.row = new SpecificInternalRow(schema);
            this.compact = UnsafeProjection.create(schema);
        }

        /**
         * Column {@code column} from column {@code from} of {@code source} (of the same type), by
         * the getter of its type: the generic {@code get(i, type)} looks up a SQL configuration
         * per call, which costs more than the gradient of a small network.
         */
        void copy(int column, InternalRow source, int from) {
            if (source.isNullAt(from)) {
                row.setNullAt(column);
                return;
            }
            DataType t = types[column];
            if (t == DataTypes.LongType) {
                row.setLong(column, source.getLong(from));
            } else if (t == DataTypes.IntegerType || t == DataTypes.DateType) {
                row.setInt(column, source.getInt(from));
            } else if (t == DataTypes.DoubleType) {
                row.setDouble(column, source.getDouble(from));
            } else if (t == DataTypes.FloatType) {
                row.setFloat(column, source.getFloat(from));
            } else if (t == DataTypes.BooleanType) {
                row.setBoolean(column, source.getBoolean(from));
            } else if (t == DataTypes.ShortType) {
                row.setShort(column, source.getShort(from));
            } else if (t == DataTypes.ByteType) {
                row.setByte(column, source.getByte(from));
            } else if (t == DataTypes.TimestampType) {
                row.setLong(column, source.getLong(from));
            } else if (t == DataTypes.StringType) {
                row.update(column, source.getUTF8String(from));
            } else {
                row.update(column, source.get(from, t));
            }
        }

        void setNull(int column) {
            row.setNullAt(column);
        }

        void setDouble(int column, double value) {
            row.setDouble(column, value);
        }

        void setDoubles(int column, double[] values) {
            row.update(column, UnsafeArrayData.fromPrimitiveArray(values));
        }

        void setFloats(int column, float[] values) {
            row.update(column, UnsafeArrayData.fromPrimitiveArray(values));
        }

        void setString(int column, String value) {
            row.update(column, UTF8String.fromString(value));
        }

        InternalRow build() {
            return compact.apply(row);
        }
    }
}
