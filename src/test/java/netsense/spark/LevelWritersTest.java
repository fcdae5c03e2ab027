package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridValuesWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

/**
 * The array level writer against parquet-mr's RLE / bit-packing hybrid writer: the same bytes
 * and buffered sizes value after value, page after page; and in parquet-mr's column writer, the
 * same pages.
 */
class LevelWritersTest {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message m {"
            + " optional group gradient (LIST) { repeated group list { required double element; } }"
            + " optional double output; required int64 id; }");

    @Test
    void theColumnWritersFieldsAreThere() {
        assertTrue(LevelWriters.available(),
                "parquet-mr's ColumnWriterBase no longer has its level writer fields: LevelWriters does nothing");
    }

    @Test
    void sameBytesAndSizesAsParquetMrValueByValue() throws IOException {
        Random rnd = new Random(11);
        for (int width = 1; width <= LevelWriters.Writer.MAX_BIT_WIDTH; width++) {
            int max = (1 << width) - 1;
            RunLengthBitPackingHybridValuesWriter theirs =
                    new RunLengthBitPackingHybridValuesWriter(width, 64, 1 << 20, new HeapByteBufferAllocator());
            LevelWriters.Writer ours = new LevelWriters.Writer(width);
            int pages = 0;
            for (int page = 0; page < 40; page++) {
                int kind = page % 5;
                int values = rnd.nextInt(1, 5000);
                for (int v = 0; v < values; ) {
                    int[] run = switch (kind) {
                        // a fixed-length array's levels: 0, then n − 1 times the maximum
                        case 0 -> arrayLevels(page % 40 + 1, max);
                        // runs of every length, some long (several varint bytes, several headers)
                        case 1 -> repeated(rnd.nextInt(max + 1), rnd.nextInt(3) == 0 ? rnd.nextInt(1, 3000) : rnd.nextInt(1, 12));
                        // no repeats at all: bit-packed runs past their 63 groups
                        case 2 -> new int[] {v % 2 == 0 ? max : 0};
                        // any int, as parquet-mr takes it: packed and run values masked to the width
                        case 3 -> new int[] {page % 2 == 0 ? rnd.nextInt(max + 1) : rnd.nextInt()};
                        default -> repeated(max, rnd.nextInt(1, 20)); // a constant (a definition level)
                    };
                    for (int x : run) {
                        theirs.writeInteger(x);
                        ours.writeInteger(x);
                        assertEquals(theirs.getBufferedSize(), ours.getBufferedSize(), "buffered size, width " + width);
                        v++;
                    }
                }
                assertArrayEquals(theirs.getBytes().toByteArray(), ours.getBytes().toByteArray(),
                        "page " + page + " of width " + width + " (" + values + " values of kind " + kind + ")");
                theirs.reset();
                ours.reset();
                pages++;
            }
            assertEquals(40, pages);
            // an empty page, and booleans as 0 and 1
            assertArrayEquals(theirs.getBytes().toByteArray(), ours.getBytes().toByteArray(), "empty page");
            theirs.reset();
            ours.reset();
            for (int i = 0; i < 100; i++) {
                theirs.writeBoolean(i % 3 == 0);
                ours.writeBoolean(i % 3 == 0);
            }
            assertArrayEquals(theirs.getBytes().toByteArray(), ours.getBytes().toByteArray(), "booleans");
            theirs.close();
        }
    }

    private static int[] arrayLevels(int n, int max) {
        int[] levels = repeated(max, n);
        levels[0] = 0;
        return levels;
    }

    private static int[] repeated(int value, int n) {
        int[] run = new int[n];
        java.util.Arrays.fill(run, value);
        return run;
    }

    @Test
    void installedInParquetMrsColumnWriterTheSamePagesComeOut() {
        ParquetProperties props = ParquetProperties.builder().withPageSize(2048).withDictionaryEncoding(false).build();
        List<String> plain = new ArrayList<>();
        List<String> swapped = new ArrayList<>();
        ColumnWriteStore theirs = props.newColumnWriteStore(SCHEMA, pages(plain));
        ColumnWriteStore ours = props.newColumnWriteStore(SCHEMA, pages(swapped));
        List<ColumnDescriptor> columns = SCHEMA.getColumns();
        int[] installed = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            installed[c] = LevelWriters.install(ours.getColumnWriter(columns.get(c)), columns.get(c));
        }
        assertArrayEquals(new int[] {2, 1, 0}, installed,
                "both levels of the list, the definition level of the optional double, none of the required column");
        Random rnd = new Random(5);
        for (int row = 0; row < 20_000; row++) {
            int n = row % 97 == 3 ? 0 : row % 89 == 7 ? -1 : 16; // now and then an empty or a null vector
            double output = rnd.nextGaussian();
            boolean nullOutput = row % 13 == 0;
            for (ColumnWriteStore store : List.of(theirs, ours)) {
                ColumnWriter g = store.getColumnWriter(columns.get(0));
                if (n < 0) {
                    g.writeNull(0, 0);
                } else if (n == 0) {
                    g.writeNull(0, 1);
                } else {
                    for (int k = 0; k < n; k++) {
                        g.write(row + k / 16.0, k == 0 ? 0 : 1, 2);
                    }
                }
                if (nullOutput) {
                    store.getColumnWriter(columns.get(1)).writeNull(0, 0);
                } else {
                    store.getColumnWriter(columns.get(1)).write(output, 0, 1);
                }
                store.getColumnWriter(columns.get(2)).write((long) row, 0, 0);
                store.endRecord();
            }
        }
        theirs.flush();
        ours.flush();
        assertTrue(plain.size() > 100, "many pages: " + plain.size());
        assertEquals(plain, swapped, "the pages: bytes, counts, encodings");
    }

    @Test
    void version2AndWideLevelsKeepParquetMrsWriters() {
        ParquetProperties v2 = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0).build();
        ColumnWriteStore store = v2.newColumnWriteStore(SCHEMA, pages(new ArrayList<>()));
        ColumnDescriptor list = SCHEMA.getColumns().get(0);
        assertEquals(0, LevelWriters.install(store.getColumnWriter(list), list));
        // nine bits of levels: parquet-mr's writer
        StringBuilder nested = new StringBuilder("message m { ");
        for (int i = 0; i < 300; i++) {
            nested.append("optional group g").append(i).append(" { ");
        }
        nested.append("optional double x;").append(" }".repeat(300)).append(" }");
        MessageType deep = MessageTypeParser.parseMessageType(nested.toString());
        ColumnDescriptor x = deep.getColumns().get(0);
        ColumnWriteStore deepStore = ParquetProperties.builder().build().newColumnWriteStore(deep, pages(new ArrayList<>()));
        assertEquals(0, LevelWriters.install(deepStore.getColumnWriter(x), x));
    }

    /** A page store that keeps each page as text: its bytes, counts and encodings. */
    private static PageWriteStore pages(List<String> out) {
        return path -> (PageWriter) Proxy.newProxyInstance(LevelWritersTest.class.getClassLoader(),
                new Class<?>[] {PageWriter.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("writePage")) {
                        StringBuilder s = new StringBuilder(path.toString()).append(' ').append(method.getName());
                        for (Object a : args) {
                            s.append(' ').append(a instanceof BytesInput b ? java.util.Arrays.toString(b.toByteArray())
                                    : a instanceof SizeStatistics z ? z.getRepetitionLevelHistogram() + " "
                                            + z.getDefinitionLevelHistogram()
                                    : String.valueOf(a));
                        }
                        out.add(s.toString());
                        return null;
                    }
                    return switch (method.getName()) {
                        case "getMemSize", "allocatedSize" -> 0L;
                        case "memUsageString" -> "";
                        default -> null;
                    };
                });
    }

    @Test
    void pagesAreTakenOnceAsParquetMrsAreAndTheWriterRefusesWidthsItDoesNotPack() {
        ValuesWriter ours = new LevelWriters.Writer(3);
        RunLengthBitPackingHybridValuesWriter theirs =
                new RunLengthBitPackingHybridValuesWriter(3, 64, 1 << 20, new HeapByteBufferAllocator());
        for (ValuesWriter w : List.of(ours, theirs)) {
            w.writeInteger(5);
            w.getBytes();
            assertThrows(IllegalArgumentException.class, w::getBytes, "a page's bytes are taken once");
        }
        assertThrows(IllegalArgumentException.class, () -> new LevelWriters.Writer(0));
        assertThrows(IllegalArgumentException.class, () -> new LevelWriters.Writer(9));
    }
}
