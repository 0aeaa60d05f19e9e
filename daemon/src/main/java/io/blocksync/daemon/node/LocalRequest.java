package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.table.BanOutcome;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ban or unban decisions handed from the control socket thread to the loop, many at once if need be (an operator
 * importing a list). The control thread fills it and waits; the loop works through the items a slice per duty
 * cycle, through the same {@link io.blocksync.daemon.table.BanDecider} door as the detector, writes each item's
 * outcome, and releases the waiter once all are done and the state files hold them durably ({@link HeldReplies}).
 */
public final class LocalRequest
{
    private final Ban[] items;
    private final boolean[] onlyIfOurs;
    private final long[] liftSequence;
    private final int[] outcomes;
    private final CountDownLatch done = new CountDownLatch(1);
    private int size;
    private int processed;

    public LocalRequest(final int capacity)
    {
        items = new Ban[capacity];
        onlyIfOurs = new boolean[capacity];
        liftSequence = new long[capacity];
        outcomes = new int[capacity];
    }

    /**
     * @param action          {@link BanAction#BAN} or {@link BanAction#UNBAN}.
     * @param durationSeconds {@link Ban#PERMANENT} for no end; ignored for an unban.
     * @param reasonPacked    the reason's id, {@link io.blocksync.codec.ReasonCode#id()} (see {@link Ban#reason(long)}).
     */
    public LocalRequest add(
        final BanAction action, final IpPrefix prefix, final long durationSeconds, final long reasonPacked, final int protocol, final int port)
    {
        items[size++] = new Ban().action(action).prefix(prefix).durationSeconds(durationSeconds).reason(reasonPacked)
            .protocol(protocol).port(port);
        return this;
    }

    /** As {@link #add(BanAction, IpPrefix, long, long, int, int)}, the reason given by its text. */
    public LocalRequest add(
        final BanAction action, final IpPrefix prefix, final long durationSeconds, final io.blocksync.codec.ReasonCode reason,
        final int protocol, final int port)
    {
        items[size++] = new Ban().action(action).prefix(prefix).durationSeconds(durationSeconds).reason(reason)
            .protocol(protocol).port(port);
        return this;
    }

    /**
     * A lift only if the ban is still this node's own and carries this reason: a feed whose decision ended (a
     * deleted CrowdSec decision) must not lift a ban a peer, or another reason, has put on the prefix since. The
     * loop answers {@link BanOutcome#NOT_BANNED} and changes nothing when the prefix holds no live ban of this node
     * with the reason. An ordinary {@link BanAction#UNBAN} lifts whatever the prefix holds.
     *
     * @param reasonPacked the reason the feed banned the prefix with, {@link io.blocksync.codec.ReasonCode#id()}.
     */
    public LocalRequest addLiftIfOurs(final IpPrefix prefix, final long reasonPacked)
    {
        return addLiftIfOurs(prefix, reasonPacked, 0);
    }

    /**
     * As {@link #addLiftIfOurs(IpPrefix, long)}, and only while the prefix still holds the very ban the feed's
     * decision made: the one numbered {@code originSequence} (read from {@link #item(int)} once that ban's outcome
     * was {@link BanOutcome#APPLIED}). A later ban of this node on the prefix under the same reason, made by the
     * operator or a detector, is then not lifted either.
     *
     * @param originSequence the origin sequence of the ban to lift; 0 when unknown (the reason alone decides); a
     *                       negative one, no ban has, lifts nothing (the feed's ban was refused).
     */
    public LocalRequest addLiftIfOurs(final IpPrefix prefix, final long reasonPacked, final long originSequence)
    {
        onlyIfOurs[size] = true;
        liftSequence[size] = originSequence;
        return add(BanAction.UNBAN, prefix, 0, reasonPacked, 0, 0);
    }

    /** For a lift only if still ours: the origin sequence the ban must still have, 0 for any. */
    public long liftSequence(final int index)
    {
        return liftSequence[index];
    }

    /** Whether the item is a lift only if still ours ({@link #addLiftIfOurs}). */
    public boolean isLiftIfOurs(final int index)
    {
        return onlyIfOurs[index];
    }

    public int size()
    {
        return size;
    }

    /** The item as requested, and as applied once its outcome is {@link BanOutcome#APPLIED}. */
    public Ban item(final int index)
    {
        return items[index];
    }

    public IpPrefix prefix(final int index)
    {
        return items[index].prefix();
    }

    /** {@link BanOutcome}, valid once {@link #await(long)} returned true. */
    public int outcome(final int index)
    {
        return outcomes[index];
    }

    /** Loop side: the next item to decide, or -1 when all are. */
    int nextIndex()
    {
        return processed < size ? processed : -1;
    }

    /** Loop side: the item's outcome; {@link #release()} follows once all are decided and durable. */
    void complete(final int index, final int outcome)
    {
        outcomes[index] = outcome;
        processed = index + 1;
    }

    /** Loop side: every outcome is written and durable; the waiter may answer. */
    void release()
    {
        done.countDown();
    }

    /** Control side: wait for the loop. */
    public boolean await(final long timeoutMillis) throws InterruptedException
    {
        return size == 0 || done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
