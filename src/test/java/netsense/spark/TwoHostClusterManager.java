package netsense.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskState;
import org.apache.spark.executor.Executor;
import org.apache.spark.executor.ExecutorBackend;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.scheduler.ExecutorResourcesAmounts;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.scheduler.SchedulerBackend;
import org.apache.spark.scheduler.TaskDescription;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSchedulerImpl;
import org.apache.spark.scheduler.WorkerOffer;
import org.apache.spark.status.api.v1.ThreadStackTrace;
import org.apache.spark.util.SystemClock;
import scala.Enumeration;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Test-only master {@code netsense-two-hosts}: two one-core executors inside this JVM that
 * claim two different hosts, under a scheduler that is not "local" — so that speculative
 * execution really happens. (In {@code local[...]} mode Spark never starts its speculation
 * thread, and a speculative copy must run on another host than the original: on one machine
 * neither holds.) Registered through {@code META-INF/services}; the backend does what
 * Spark's {@code LocalSchedulerBackend} does, for two executors, with every scheduling
 * call on one thread.
 */
public final class TwoHostClusterManager implements ExternalClusterManager {
    public static final String MASTER = "netsense-two-hosts";

    @Override
    public boolean canCreate(String masterURL) {
        return MASTER.equals(masterURL);
    }

    @Override
    public TaskScheduler createTaskScheduler(SparkContext sc, String masterURL) {
        return new TaskSchedulerImpl(sc, 3, false, new SystemClock());
    }

    @Override
    public SchedulerBackend createSchedulerBackend(SparkContext sc, String masterURL, TaskScheduler scheduler) {
        return new Backend((TaskSchedulerImpl) scheduler);
    }

    @Override
    public void initialize(TaskScheduler scheduler, SchedulerBackend backend) {
        ((TaskSchedulerImpl) scheduler).initialize(backend);
    }

    static final class Backend implements SchedulerBackend, ExecutorBackend {
        private static final String[] HOSTS = {"host-a", "host-b"};
        private final TaskSchedulerImpl scheduler;
        private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "two-hosts-dispatcher");
            t.setDaemon(true);
            return t;
        });
        private final List<Executor> executors = new ArrayList<>();
        private final int[] free = new int[HOSTS.length];
        private final Map<Long, Integer> running = new ConcurrentHashMap<>();
        private String appId = "netsense-two-hosts-" + System.currentTimeMillis();

        Backend(TaskSchedulerImpl scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void start() {
            // an Executor sets the JVM's host name to its own: keep the driver's
            Object hostname = hostnameOverride(null);
            for (int i = 0; i < HOSTS.length; i++) {
                executors.add(new Executor("exec-" + i, HOSTS[i], SparkEnv.get(),
                        CollectionConverters.asScala(List.<java.net.URL>of()).toSeq(), true,
                        (t, e) -> e.printStackTrace(), scala.collection.immutable.Map$.MODULE$.empty()));
                free[i] = 1;
            }
            hostnameOverride(hostname);
        }

        /** Spark's host name override (an Option); sets it back when given one. */
        private static Object hostnameOverride(Object restore) {
            try {
                java.lang.reflect.Field f = Class.forName("org.apache.spark.util.Utils$")
                        .getDeclaredField("customHostname");
                f.setAccessible(true);
                Object old = f.get(null);
                if (restore != null) {
                    f.set(null, restore);
                }
                return old;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Spark's Utils.customHostname is not where it was", e);
            }
        }

        @Override
        public void stop() {
            dispatcher.shutdownNow();
            try {
                dispatcher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executors.forEach(Executor::stop);
        }

        @Override
        public void reviveOffers() {
            dispatch(this::offer);
        }

        private void dispatch(Runnable r) {
            if (!dispatcher.isShutdown()) {
                dispatcher.execute(r);
            }
        }

        /**
         * Offers each free executor on its own, in order, so that the first task of a stage
         * (partition 0, the one the speculation test slows) goes to exec-0 and its copy to
         * exec-1. (With both offered at once, Spark shuffles them; a copy placed on exec-0
         * while the original ran on exec-1 sometimes started only when the original ended —
         * not understood, and avoided this way.)
         */
        private void offer() {
            for (int i = 0; i < HOSTS.length; i++) {
                if (free[i] <= 0) {
                    continue;
                }
                WorkerOffer offer = new WorkerOffer("exec-" + i, HOSTS[i], free[i], Option.empty(),
                        ExecutorResourcesAmounts.empty(), ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID());
                Seq<Seq<TaskDescription>> launched = scheduler.resourceOffers(
                        CollectionConverters.asScala(List.of(offer)).toIndexedSeq(), true);
                for (TaskDescription task : CollectionConverters.asJava(launched.apply(0))) {
                    free[i]--;
                    running.put(task.taskId(), i);
                    executors.get(i).launchTask(this, task);
                }
            }
        }

        @Override
        public void statusUpdate(long taskId, Enumeration.Value state, java.nio.ByteBuffer data) {
            dispatch(() -> {
                scheduler.statusUpdate(taskId, state, data);
                if (TaskState.isFinished(state)) {
                    Integer exec = running.remove(taskId);
                    if (exec != null) {
                        free[exec]++;
                    }
                    offer();
                }
            });
        }

        @Override
        public void killTask(long taskId, String executorId, boolean interruptThread, String reason) {
            Integer exec = running.get(taskId);
            if (exec != null) {
                executors.get(exec).killTask(taskId, interruptThread, reason);
            }
        }

        @Override
        public int defaultParallelism() {
            return scheduler.sc().conf().getInt("spark.default.parallelism", HOSTS.length);
        }

        @Override
        public int maxNumConcurrentTasks(ResourceProfile rp) {
            return HOSTS.length;
        }

        @Override
        public Option<ThreadStackTrace> getTaskThreadDump(long taskId, String executorId) {
            return Option.empty();
        }

        @Override
        public String org$apache$spark$scheduler$SchedulerBackend$$appId() {
            return appId;
        }

        @Override
        public void org$apache$spark$scheduler$SchedulerBackend$_setter_$org$apache$spark$scheduler$SchedulerBackend$$appId_$eq(
                String id) {
            this.appId = id;
        }
    }
}
