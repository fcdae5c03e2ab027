package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SideWritesTest extends SparkTestBase {

    @Test
    void writesRunSideBySide() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        try (SideWrites side = new SideWrites(spark, "test-write")) {
            for (int i = 0; i < 2; i++) {
                side.start(() -> {
                    both.countDown();
                    // each waits for the other: one after the other they would never finish
                    assertTrue(both.await(10, TimeUnit.SECONDS), "the other write ran beside this one");
                });
            }
            side.awaitAll();
        }
        assertEquals(0, both.getCount());
    }

    @Test
    void aFailureIsThrownOnlyOnceEveryWriteHasEnded() throws Exception {
        AtomicBoolean slowEnded = new AtomicBoolean();
        SideWrites side = new SideWrites(spark, "test-write");
        side.start(() -> {
            throw new IOException("first");
        });
        side.start(() -> {
            Thread.sleep(300);
            slowEnded.set(true);
        });
        side.start(() -> {
            throw new IllegalStateException("third");
        });

        IOException e = assertThrows(IOException.class, side::close);

        assertEquals("first", e.getMessage(), "the first write's failure, as it was thrown");
        assertTrue(slowEnded.get(), "the slow write had ended");
        assertEquals(List.of("third"), java.util.Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
    }

    @Test
    void aFailureThatIsNotAnIoExceptionStaysWhatItIs() throws IOException {
        try (SideWrites side = new SideWrites(spark, "test-write")) {
            side.start(() -> {
                throw new IllegalArgumentException("bad");
            });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, side::awaitAll);
            assertEquals("bad", e.getMessage());
        }
    }

    @Test
    void anInterruptedWaitEndsWithTheWritesAndSaysSo() throws Exception {
        AtomicBoolean ended = new AtomicBoolean();
        try (SideWrites side = new SideWrites(spark, "test-write")) {
            side.start(() -> {
                Thread.sleep(300);
                ended.set(true);
            });
            Thread.currentThread().interrupt();
            assertThrows(java.io.InterruptedIOException.class, side::awaitAll);
            assertTrue(ended.get(), "the write had ended");
            assertTrue(Thread.interrupted(), "the interrupt is kept (and cleared here)");
        }
    }

    @Test
    void theJobsSessionIsActiveOnTheWritesThreads() throws Exception {
        // the active session is inherited by new threads: without it on this one, only SideWrites sets it
        SparkSession.clearActiveSession();
        try (SideWrites side = new SideWrites(spark, "test-write")) {
            Future<SparkSession> seen = side.submit(() -> SparkSession.getActiveSession().getOrElse(() -> null));
            side.awaitAll();
            assertSame(spark, seen.get());
        } finally {
            SparkSession.setActiveSession(spark);
        }
    }
}
