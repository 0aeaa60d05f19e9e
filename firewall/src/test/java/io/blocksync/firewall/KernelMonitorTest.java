package io.blocksync.firewall;

import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With removal events ({@link FirewallBackend#openEvents()}) the worker runs no {@code intact()} check of its own
 * every second (that check held lone bans on the commit thread): only after an event, which repairs what was
 * removed; when the events fail, it polls every check interval again. The worker runs on its real thread; the
 * events come from a queue the test fills.
 */
class KernelMonitorTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventBackend backend = new EventBackend();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private FirewallBatcher batcher;

    @AfterEach
    void stop()
    {
        if (null != batcher)
        {
            batcher.close();
        }
    }

    @Test
    void theWorkerChecksTheObjectsOnlyAfterARemovalEventAndPollsAgainWhenTheEventsFail()
    {
        batcher = new FirewallBatcher(backend, new BatcherSettings().checkIntervalMs(20).fullCheckIntervalMs(20)
            .jitterPercent(0).label("test").log(log::add));
        batcher.start(List.of());
        assertTrue(log.stream().anyMatch((line) -> line.contains("noticed through test events")), log.toString());

        Poll.until("ten periodic checks (full listings) done", WAIT, () -> batcher.reconciles() >= 10,
            () -> "checks " + batcher.reconciles());
        assertEquals(0, backend.intactChecks.get(), "no per-interval intact() while events are watched");

        backend.whole = false;
        backend.events.add(KernelEvents.REMOVED);
        Poll.until("the removal checked and repaired", WAIT,
            () -> backend.repairs.get() == 1 && batcher.failures(FailureKind.DRIFT) >= 1,
            () -> "intact " + backend.intactChecks.get() + " repairs " + backend.repairs.get());
        final long checksAfterEvent = batcher.reconciles();
        Poll.until("ten more periodic checks", WAIT, () -> batcher.reconciles() >= checksAfterEvent + 10);
        assertEquals(1, backend.intactChecks.get(), "one check for one event");

        backend.events.add(-1);
        Poll.until("intact() polled every interval again", WAIT, () -> backend.intactChecks.get() >= 10,
            () -> "intact " + backend.intactChecks.get() + " log " + log);
        assertTrue(log.stream().anyMatch((line) -> line.contains("kernel notifications failed")), log.toString());
    }

    private static final class EventBackend implements FirewallBackend
    {
        final BlockingQueue<Integer> events = new LinkedBlockingQueue<>();
        final AtomicInteger intactChecks = new AtomicInteger();
        final AtomicInteger repairs = new AtomicInteger();
        volatile boolean whole = true;

        @Override
        public void start()
        {
        }

        @Override
        public void apply(final List<FirewallChange> batch)
        {
        }

        @Override
        public void reconcile(final Iterable<FirewallChange> liveBans)
        {
        }

        @Override
        public void flush()
        {
        }

        @Override
        public List<String> objects()
        {
            return List.of("");
        }

        @Override
        public boolean listable()
        {
            return true;
        }

        @Override
        public boolean intact()
        {
            intactChecks.incrementAndGet();
            return whole;
        }

        @Override
        public void repair()
        {
            repairs.incrementAndGet();
            whole = true;
        }

        @Override
        public KernelListing list()
        {
            final KernelListing listing = new KernelListing();
            listing.object("");
            return listing;
        }

        @Override
        public KernelEvents openEvents()
        {
            return new KernelEvents()
            {
                @Override
                public int await(final int timeoutMillis)
                {
                    final Integer event;
                    try
                    {
                        event = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        return QUIET;
                    }
                    if (null != event && event < 0)
                    {
                        throw new FirewallException("test events broke");
                    }
                    return null == event ? QUIET : event;
                }

                @Override
                public String description()
                {
                    return "test events";
                }

                @Override
                public void close()
                {
                }
            };
        }

        @Override
        public void close()
        {
        }
    }
}
