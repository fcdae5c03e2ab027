package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.plain.PlainValuesWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

/** The direct plain writer of numbers against parquet-mr's plain writer: the same bytes and sizes, page after page. */
class PlainNumberWritersTest {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message m {"
            + " required double d; required int64 l; required float f; required int32 i;"
            + " required binary s (STRING); required boolean b; }");

    private static ValuesWriter writerFor(String column, boolean dictionary) {
        PlainNumberWriters factory = new PlainNumberWriters();
        ParquetProperties.builder().withDictionaryEncoding(dictionary).withValuesWriterFactory(factory).build();
        return factory.newValuesWriter(SCHEMA.getColumnDescription(new String[] {column}));
    }

    private static PlainValuesWriter parquetMrs() {
        return new PlainValuesWriter(64, 1 << 20, new HeapByteBufferAllocator());
    }

    @Test
    void numbersGoThroughTheDirectWriterAndTheSameBytesComeOut() throws IOException {
        Random rnd = new Random(11);
        double[] specials = {Double.NaN, Double.longBitsToDouble(0x7ff8dead00000001L), -0.0, Double.MIN_VALUE,
            Double.MAX_VALUE, Double.NEGATIVE_INFINITY};
        for (String column : new String[] {"d", "l", "f", "i"}) {
            ValuesWriter ours = writerFor(column, false);
            assertTrue(ours instanceof PlainNumberWriters.Writer, column + ": " + ours.getClass());
            PlainValuesWriter theirs = parquetMrs();
            for (int page = 0; page < 3; page++) {
                int values = page == 1 ? 0 : 5000 + page; // an empty page too; more than the first buffer
                for (int k = 0; k < values; k++) {
                    switch (column) {
                        case "d" -> {
                            double v = k < specials.length ? specials[k] : rnd.nextGaussian() * 1e5;
                            ours.writeDouble(v);
                            theirs.writeDouble(v);
                        }
                        case "l" -> {
                            long v = k == 0 ? Long.MIN_VALUE : rnd.nextLong();
                            ours.writeLong(v);
                            theirs.writeLong(v);
                        }
                        case "f" -> {
                            float v = k == 0 ? Float.intBitsToFloat(0x7fc0beef) : (float) rnd.nextGaussian();
                            ours.writeFloat(v);
                            theirs.writeFloat(v);
                        }
                        default -> {
                            int v = k == 0 ? Integer.MIN_VALUE : rnd.nextInt();
                            ours.writeInteger(v);
                            theirs.writeInteger(v);
                        }
                    }
                    if (k % 997 == 0) {
                        assertEquals(theirs.getBufferedSize(), ours.getBufferedSize(), column + " after " + k);
                    }
                }
                assertEquals(theirs.getBufferedSize(), ours.getBufferedSize(), column + " page " + page);
                assertArrayEquals(theirs.getBytes().toByteArray(), ours.getBytes().toByteArray(), column + " page " + page);
                assertEquals(theirs.getEncoding(), ours.getEncoding());
                ours.reset();
                theirs.reset();
                assertEquals(0, ours.getBufferedSize());
            }
            ours.close();
            theirs.close();
        }
    }

    @Test
    void eachWriterKeepsItsOwnSettings() {
        ColumnDescriptor d = SCHEMA.getColumnDescription(new String[] {"d"});
        PlainNumberWriters plain = new PlainNumberWriters();
        ParquetProperties.builder().withDictionaryEncoding(false).withValuesWriterFactory(plain).build();
        PlainNumberWriters dictionary = new PlainNumberWriters();
        ParquetProperties.builder().withDictionaryEncoding(true).withValuesWriterFactory(dictionary).build();
        // the second writer's settings, made after the first's, leave the first's alone
        assertTrue(plain.newValuesWriter(d) instanceof PlainNumberWriters.Writer);
        assertTrue(dictionary.newValuesWriter(d).getClass().getSimpleName().contains("Fallback"),
                dictionary.newValuesWriter(d).getClass().getName());
        ParquetProperties v2 = ParquetProperties.builder().withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(false).withValuesWriterFactory(new PlainNumberWriters()).build();
        assertEquals(ParquetProperties.builder().withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(false).build().newValuesWriter(SCHEMA.getColumnDescription(new String[] {"l"}))
                .getClass(), v2.newValuesWriter(SCHEMA.getColumnDescription(new String[] {"l"})).getClass(),
                "writer version 2's own choice for int64 (delta encoding)");
    }

    @Test
    void everythingElseIsParquetMrsChoice() {
        ParquetProperties props = ParquetProperties.builder().withDictionaryEncoding(false).build();
        for (String column : new String[] {"s", "b"}) {
            ValuesWriter ours = writerFor(column, false);
            ValuesWriter theirs = props.newValuesWriter(SCHEMA.getColumnDescription(new String[] {column}));
            assertSame(theirs.getClass(), ours.getClass(), column);
        }
        ColumnDescriptor d = SCHEMA.getColumnDescription(new String[] {"d"});
        ValuesWriter dictionary = writerFor("d", true);
        assertSame(ParquetProperties.builder().withDictionaryEncoding(true).build().newValuesWriter(d).getClass(),
                dictionary.getClass(), "a dictionary column keeps parquet-mr's dictionary writer");
    }
}
