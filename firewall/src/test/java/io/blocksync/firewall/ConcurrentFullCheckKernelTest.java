package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The full check lists the kernel on a session and thread of its own (issue 11: "a listing of 100,000 elements must
 * not stall the node"), against the real kernel in a namespace: a set of {@value #SET_SIZE} elements is listed through
 * the nf_tables dump socket while bans are committed and lifted. The test holds each listing, once its dump is done,
 * until it lets it go, so what happens "during the check" is certain rather than a race: a ban committed then is in
 * the kernel before the check ends and is not judged missing by it; a ban lifted then does not come back; drift made
 * by hand before the dump is repaired by that check, drift made after it by the next.
 */
class ConcurrentFullCheckKernelTest
{
    private static final int SET_SIZE = 30_000;
    private static final Duration LOAD = Duration.ofSeconds(120);
    private static final Duration SHORT = Duration.ofSeconds(10);
    @RegisterExtension
    static final NamespacePairExtension NAMESPACES = new NamespacePairExtension("nft");
    private static NamespacePair net;

    @TempDir
    Path stateDirectory;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private FirewallBatcher batcher;
    private final Semaphore held = new Semaphore(0);
    private final Semaphore release = new Semaphore(0);
    private volatile boolean holdNext;

    @BeforeEach
    void cleanKernel()
    {
        net = NAMESPACES.pair();
        assumeTrue(null == io.blocksync.nativeio.NftSetDump.unavailableReason() &&
            io.blocksync.nativeio.NftablesSession.available(), "needs the JNI library and libnftables");
        net.inProtected("nft", "delete", "table", "inet", "blocksync");
    }

    @AfterEach
    void stop()
    {
        release.release(100);
        if (null != batcher)
        {
            batcher.close();
        }
    }

    @Test
    void commitsGoOnDuringAFullCheckAndItJudgesNothingTheyChanged() throws Exception
    {
        final NftablesBackend backend = new NftablesBackend(NftablesSettings.managed("blocksync")
            .networkNamespace(net.protectedPath()).kernelSession(KernelSessionMode.LIBRARY));
        batcher = new FirewallBatcher(new GatedBackend(backend), new BatcherSettings().jitterPercent(0)
            .fullCheckIntervalMs(1_000).label("test").log(log::add).stateDirectory(stateDirectory));
        batcher.start(Bans.bulk(SET_SIZE, false, 3_600));
        Poll.until("the " + SET_SIZE + " seeded bans in the kernel", LOAD,
            () -> batcher.isEnforced(Bans.prefix("10.0.117.47")) && batcher.isEnforced(Bans.prefix("10.0.0.0")));
        assertTrue(log.stream().anyMatch((line) -> line.contains("nf_tables netlink dump socket")), log.toString());
        offer(ADD, "198.51.100.20");
        Poll.until("the ban to lift later in the kernel", SHORT, () -> holds("198.51.100.20"));

        // Drift before the held check's dump: it must repair this.
        net.inProtected("nft", "delete element inet blocksync ban4_host { 10.0.0.5 }");
        holdNext = true;
        assertTrue(held.tryAcquire(60, TimeUnit.SECONDS), "a full check listed the set");
        final long checks = batcher.reconciles();
        final long repaired = batcher.repairedElements();

        // The check is held after its dump: commits go on.
        offer(ADD, "198.51.100.30");
        Poll.until("a ban committed during the check in the kernel", SHORT,
            () -> holds("198.51.100.30") && batcher.isEnforced(Bans.prefix("198.51.100.30")));
        offer(REMOVE, "198.51.100.20");
        Poll.until("a ban lifted during the check out of the kernel", SHORT, () -> !holds("198.51.100.20"));
        // Drift after the dump: the next check repairs it.
        net.inProtected("nft", "delete element inet blocksync ban4_host { 10.0.0.6 }");
        assertEquals(checks, batcher.reconciles(), "the check has not ended yet");

        // The next check is held too, so the figures below belong to this one alone.
        holdNext = true;
        release.release();
        assertTrue(held.tryAcquire(30, TimeUnit.SECONDS), "the next full check listed the set");
        assertEquals(checks + 1, batcher.reconciles(), "the held check ended");
        Poll.until("the element deleted before the dump back", SHORT, () -> holds("10.0.0.5"));
        assertEquals(repaired + 1, batcher.repairedElements(),
            "only the element deleted by hand is drift: the ban added and the ban lifted meanwhile are not judged " + log);
        assertFalse(holds("198.51.100.20"), "the lifted ban does not come back");
        assertTrue(holds("198.51.100.30") && batcher.isEnforced(Bans.prefix("198.51.100.30")));

        release.release();
        Poll.until("the next check to repair the element deleted after the dump", SHORT, () -> holds("10.0.0.6"));
        final long later = batcher.reconciles();
        Poll.until("one more full check", SHORT, () -> batcher.reconciles() > later);
        assertFalse(holds("198.51.100.20"), "the lifted ban never comes back");
        assertEquals(SET_SIZE + 1, count(), "the 30,000 bans and the one added during the check, nothing else");
    }

    private void offer(final FirewallChange.Op op, final String prefix)
    {
        assertTrue(batcher.offer(op, Bans.ban(prefix, Bans.SSH), ADD == op ? 3_600 : 0));
    }

    private boolean holds(final String address)
    {
        return net.inProtected("nft", "get", "element", "inet", "blocksync", "ban4_host", "{ " + address + " }")
            .stdout().contains(address);
    }

    private int count()
    {
        return NftListingParser.parse(net.inProtected("nft", "list", "set", "inet", "blocksync", "ban4_host").stdout(), 0)
            .size();
    }

    private static IpPrefix prefix(final String text)
    {
        return Bans.prefix(text);
    }

    /**
     * The real backend, whose reader holds one listing, after its dump, until the test lets it go.
     */
    private final class GatedBackend implements FirewallBackend
    {
        private final FirewallBackend backend;

        GatedBackend(final FirewallBackend backend)
        {
            this.backend = backend;
        }

        @Override
        public KernelReader openReader()
        {
            final KernelReader reader = backend.openReader();
            return new KernelReader()
            {
                @Override
                public KernelListing list()
                {
                    final KernelListing listing = reader.list();
                    if (holdNext)
                    {
                        holdNext = false;
                        held.release();
                        release.acquireUninterruptibly();
                    }
                    return listing;
                }

                @Override
                public String description()
                {
                    return reader.description();
                }

                @Override
                public void close()
                {
                    reader.close();
                }
            };
        }

        @Override
        public void start()
        {
            backend.start();
        }

        @Override
        public void apply(final List<FirewallChange> batch)
        {
            backend.apply(batch);
        }

        @Override
        public void reconcile(final Iterable<FirewallChange> liveBans)
        {
            backend.reconcile(liveBans);
        }

        @Override
        public void flush()
        {
            backend.flush();
        }

        @Override
        public long maxTimeoutSeconds()
        {
            return backend.maxTimeoutSeconds();
        }

        @Override
        public long reassertIntervalSeconds()
        {
            return backend.reassertIntervalSeconds();
        }

        @Override
        public String objectFor(final io.blocksync.codec.Ban ban)
        {
            return backend.objectFor(ban);
        }

        @Override
        public List<String> objects()
        {
            return backend.objects();
        }

        @Override
        public boolean listable()
        {
            return backend.listable();
        }

        @Override
        public boolean ownsContents()
        {
            return backend.ownsContents();
        }

        @Override
        public boolean intact()
        {
            return backend.intact();
        }

        @Override
        public void repair()
        {
            backend.repair();
        }

        @Override
        public KernelListing list()
        {
            return backend.list();
        }

        @Override
        public void adopt(final KernelListing listing, final KernelListing.Changed changed)
        {
            backend.adopt(listing, changed);
        }

        @Override
        public void cleanUp(final String object)
        {
            backend.cleanUp(object);
        }

        @Override
        public void close()
        {
            backend.close();
        }
    }
}
