package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.daemon.config.CrowdSecConfig;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.node.BanObserver;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.status.NodeCounters;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * BlockSync and a CrowdSec local API, both ways ([crowdsec] in docs/CONFIG.md, docs/INTEGRATIONS.md "CrowdSec"):
 * <ul>
 *   <li>{@link CrowdSecBouncer}: a thread of its own follows the decision stream and hands CrowdSec's bans and
 *   deletions to the loop as {@link LocalRequest}s, the door the control socket uses; the loop never waits on HTTP
 *   or DNS;</li>
 *   <li>{@link CrowdSecPusher} (when {@code push = yes}): the loop copies every ban it applies or lifts into a ring
 *   ({@link PushOutbox}); a second thread pushes them as alerts with decisions, except the bans CrowdSec gave
 *   ({@link FromCrowdSec}); the bouncer in turn never takes back a decision whose scenario starts with
 *   {@value CrowdSecDecision#PUSHED_SCENARIO_PREFIX}.</li>
 * </ul>
 * Counters: {@code crowdsec_decisions_taken}, {@code crowdsec_decisions_skipped}, {@code crowdsec_decisions_pushed},
 * {@code crowdsec_errors}, {@code crowdsec_replies_refused}, {@code crowdsec_pushes_dropped},
 * {@code crowdsec_lifts_not_ours}. Every line it logs is made printable ({@link LogText}): LAPI values never break a
 * log line.
 */
public final class CrowdSecBridge implements AutoCloseable
{
    private static final int LOG_LINE_CHARS = 1_000;


    final CrowdSecConfig config;
    final NodeConfig node;
    final LapiClient client;
    final NodeCounters counters;
    final Consumer<String> log;
    final Predicate<LocalRequest> submit;
    final FromCrowdSec fromCrowdSec = new FromCrowdSec();
    /**
     * {@code VALUE SCENARIO} of the decisions the LAPI holds from an earlier push (start-up answer) and of those pushed
     * live before the held bans were: the held-ban push skips them, then empties the set (push = yes only).
     */
    final Set<String> alreadyPushed = ConcurrentHashMap.newKeySet();
    private volatile boolean startupTaken;
    private final PushOutbox outbox;
    final CrowdSecBouncer bouncer;
    final CrowdSecPusher pusher;

    /**
     * @param node   the node's configuration; its [crowdsec] section must be present.
     * @param log    thread-safe: one line per problem streak and per recovery.
     * @param submit the loop's door for local decisions (Node#submit): false when its queue is full.
     */
    public CrowdSecBridge(final NodeConfig node, final NodeCounters counters, final Consumer<String> log,
        final Predicate<LocalRequest> submit)
    {
        this(node, counters, log, submit, new LapiClient(node.crowdsec().lapiUrl()));
    }

    /** @param client the LAPI's client (tests give one with a small body bound or a short timeout). */
    CrowdSecBridge(final NodeConfig node, final NodeCounters counters, final Consumer<String> log,
        final Predicate<LocalRequest> submit, final LapiClient client)
    {
        this.config = node.crowdsec();
        this.node = node;
        this.client = client;
        this.counters = counters;
        // Lines carry text the LAPI sent (values, scenarios, error bodies): never a line break or control character.
        this.log = message -> log.accept("crowdsec: " + LogText.printable(message, LOG_LINE_CHARS));
        this.submit = submit;
        this.outbox = config.push() ? new PushOutbox(PushOutbox.DEFAULT_CAPACITY, counters.crowdsecErrors) : null;
        this.bouncer = new CrowdSecBouncer(this);
        this.pusher = config.push() ? new CrowdSecPusher(this, outbox) : null;
    }

    /** Bouncer: the first whole answer is with the loop; the pusher may now push the bans held from before. */
    void startupTaken()
    {
        startupTaken = true;
        if (null != pusher)
        {
            java.util.concurrent.locks.LockSupport.unpark(pusher.thread());
        }
    }

    boolean isStartupTaken()
    {
        return startupTaken;
    }

    /** What the loop's firewall feed tells of each ban applied and lifted; null when push is off. */
    public BanObserver outbox()
    {
        return outbox;
    }

    /** Start the threads: after the loop runs (the bouncer's first requests go to it). */
    public void start()
    {
        bouncer.start();
        if (null != pusher)
        {
            pusher.start();
        }
    }

    @Override
    public void close()
    {
        bouncer.close();
        if (null != pusher)
        {
            pusher.close();
        }
    }
}
