package netsense.spark;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.factory.DefaultV1ValuesWriterFactory;
import org.apache.parquet.column.values.factory.DefaultV2ValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
import org.apache.parquet.column.values.plain.PlainValuesWriter;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * parquet-mr's choice of value writers, with its plain writer of numbers (int32, int64, float,
 * double) replaced by one that puts each value straight into an array. parquet-mr's goes through
 * a little-endian data stream that hands every value's bytes on to a slab stream through a
 * bounds-checked array copy: about 20 ns a value, 12 % of the task time of the gradient job on
 * [16,32,32,1] (JFR). PLAIN encoding is the values' little-endian bytes one after the other, so
 * the pages are the same bytes; the buffered size, which decides where pages and row groups
 * end, is the same number. Everything else — dictionaries, fallbacks, other encodings, other
 * types, writer version 2's choices — is parquet-mr's own, unchanged, made for this writer's
 * settings alone.
 * PlainNumberWritersTest checks bytes and sizes against parquet-mr's plain writer.
 */
final class PlainNumberWriters implements ValuesWriterFactory {
    private ValuesWriterFactory standard;
    private int initialBytes;

    @Override
    public void initialize(ParquetProperties properties) {
        // parquet-mr's DefaultValuesWriterFactory hands its properties to factories every writer in
        // the JVM shares (parquet-java #3497, fixed in 1.18): this writer's own, for its settings only
        standard = properties.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_1_0
                ? new DefaultV1ValuesWriterFactory() : new DefaultV2ValuesWriterFactory();
        standard.initialize(properties);
        initialBytes = Math.max(64, properties.getInitialSlabSize());
    }

    @Override
    public ValuesWriter newValuesWriter(ColumnDescriptor column) {
        ValuesWriter chosen = standard.newValuesWriter(column);
        PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
        boolean number = type == PrimitiveTypeName.DOUBLE || type == PrimitiveTypeName.INT64
                || type == PrimitiveTypeName.FLOAT || type == PrimitiveTypeName.INT32;
        if (number && chosen.getClass() == PlainValuesWriter.class) {
            chosen.close();
            return new Writer(initialBytes);
        }
        return chosen;
    }

    /** PLAIN numbers: their little-endian bytes, as parquet-mr's plain writer writes them. */
    static final class Writer extends ValuesWriter {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.LITTLE_ENDIAN);
        private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class,
                ByteOrder.LITTLE_ENDIAN);
        private byte[] bytes;
        private int size;

        Writer(int initialBytes) {
            bytes = new byte[initialBytes];
        }

        private void reserve(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, 2 * bytes.length));
            }
        }

        @Override
        public void writeDouble(double v) {
            writeLong(Double.doubleToLongBits(v)); // as parquet-mr: NaNs written as the one canonical NaN
        }

        @Override
        public void writeLong(long v) {
            reserve(8);
            LONGS.set(bytes, size, v);
            size += 8;
        }

        @Override
        public void writeFloat(float v) {
            writeInteger(Float.floatToIntBits(v));
        }

        @Override
        public void writeInteger(int v) {
            reserve(4);
            INTS.set(bytes, size, v);
            size += 4;
        }

        @Override
        public long getBufferedSize() {
            return size;
        }

        @Override
        public BytesInput getBytes() {
            return BytesInput.from(bytes, 0, size); // read before reset: the page writer copies or compresses it
        }

        @Override
        public Encoding getEncoding() {
            return Encoding.PLAIN;
        }

        @Override
        public void reset() {
            size = 0;
        }

        @Override
        public void close() {
            bytes = new byte[0];
            size = 0;
        }

        @Override
        public long getAllocatedSize() {
            return bytes.length;
        }

        @Override
        public String memUsageString(String prefix) {
            return prefix + " PLAIN numbers " + size + " of " + bytes.length + " bytes";
        }
    }
}
