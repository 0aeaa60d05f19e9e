package io.blocksync.daemon.node;

import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.table.DecisionSigner;
import io.blocksync.daemon.table.PreparedDecision;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Signs this node's own decisions off the loop: the loop hands each prepared decision (every wire field fixed,
 * {@link io.blocksync.daemon.table.BanTable#prepareLocal}) into a fixed ring of slots, {@code N} signer threads
 * ({@link SigningShard}s, {@code [node] signer-threads}) sign them, and the loop takes the signed ones back in the
 * order handed over to store and send. Ed25519 signing (about 50 µs a decision under C1) was three quarters of the
 * origin's loop time per ban, and on one signer thread it is the origin's bound in a bulk import; the hand-off is
 * sequence counters and wake-ups.
 * <p>
 * <b>Slots and counters.</b> Slot {@code i % capacity} belongs to the loop until {@code handed > i}, then to signer
 * {@code i % N} until that signer's frontier passes {@code i}, then to the loop again until {@code stored > i}.
 * Signer {@code k} signs {@code k, k + N, k + 2N, ...} in order; its frontier is the next index it will sign, so
 * every index below it that is {@code k} modulo {@code N} is signed. The loop's {@code signed} is the least frontier
 * ({@link #signedPrefix()}): every index below it is signed, whichever signer owns it, and it never passes
 * {@code handed} (the owner of index {@code handed} has not signed it). Each counter has one writer and is written
 * with a volatile store after its slot's contents, so the reader that sees it sees them. The loop never waits: with
 * the ring full ({@link #hasRoom()}) decisions stay in their queue, as when the stream has no room; a slow signer
 * holds the others back by at most the ring.
 * <p>
 * <b>Waking the signers.</b> The loop unparks signer {@code i % N} when it hands index {@code i} over; a signer parks
 * when it has none of its own. The loop writes {@code handed} before it reads the signer's thread and unparks it; a
 * signer writes its thread at start and reads {@code handed} after each park: an unpark before the park leaves a
 * permit, and a signer not yet started reads {@code handed} once it is (volatile, so one side sees the other).
 * <p>
 * <b>Waking the loop.</b> The loop takes signed decisions back a {@link #GROUP} at a time while the signers work on,
 * and all of them once they have caught up ({@link #takeable()}); a signer wakes the loop ({@code wakeLoop}, the
 * transport's selector wake-up, which a later select also sees) when, after writing its frontier, the least
 * frontier it reads makes {@link #takeable()} positive. No wake is lost: all counters are volatile, so their writes
 * and reads fall in one order that each thread's program order respects. While the loop sleeps, {@code handed} and
 * {@code stored} stand still and {@code takeable()} only grows with the frontiers. Take the frontier write that first
 * makes it positive. If it falls before the first frontier the loop reads in its last check ({@link #hasSigned()},
 * before it sleeps), every frontier the loop reads is at least what it was then: the loop sees it and does not sleep.
 * If it falls after that read, its signer reads every frontier, {@code handed} and {@code stored} after it (the loop
 * wrote those before its check), so it sees at least that least frontier and the loop's counters, and wakes the
 * loop after its check began: the select that follows returns at once. Two signers finishing together are the
 * same case: the one whose write comes later reads the other's.
 * <p>
 * <b>Inline.</b> Until {@link #offLoop(Runnable, int)} is called (engines on a manual clock, tests of single roles)
 * no thread signs: the door ({@link LocalDecisions}) signs each decision inline with {@link #signInline()} and stores
 * it at once, the same path in one step.
 * <p>
 * <b>Same prefix.</b> A decision handed over is not in the table yet, so the door must not prepare another for the
 * same prefix until it is stored ({@link #isPending(IpPrefix)}: a counting filter of prefix hashes, and on a hit a
 * look at the slots in flight).
 * <p>
 * <b>Stop.</b> The signers' threads are stopped after the loop's: each one's {@link SigningShard#onClose()} signs its
 * share of whatever is still handed over, so once all have stopped the stopping thread can store it all
 * ({@link LocalDecisions#storeSigned()}) before the store is closed.
 */
public final class DecisionSigning
{
    /** Decisions in the signer's hands at most: ~100 ms of signing, over four {@link #GROUP}s. */
    public static final int DEFAULT_CAPACITY = 1024;
    /**
     * Signed decisions the loop takes back together while more are being signed: 32 full BATCH datagrams (224
     * records, ~22 ms of signing), so a burst leaves as bursts of full batches that a peer takes in and acknowledges
     * together, as when the loop signed 1,024 a cycle. Taken back one by one, decisions went out one a datagram and
     * each peer's loop CPU per ban doubled (bench: 11 to 27-29 µs); 8 batches at a time, a peer sent 5 times the
     * ACKs in a 10,000-ban import and used 20 % more CPU. A lone decision, or the last of a burst, is taken back as
     * soon as it is signed.
     */
    static final int GROUP = 32 * BatchFrameFlyweight.MAX_RECORDS;
    /** Signer threads at most ({@code [node] signer-threads}). */
    public static final int MAX_THREADS = NodeConfig.MAX_SIGNER_THREADS;
    private static final int PENDING_BUCKETS = 16_384;
    // Frontiers 128 bytes apart: each signer writes its own every signature, the loop and the others read them all.
    private static final int FRONTIER_STRIDE = 16;

    private final DecisionSigner signer;
    private final PreparedDecision[] slots;
    private final int mask;
    private final int[] pendingPrefixes = new int[PENDING_BUCKETS];
    // The prefix hash of each slot's decision, set at hand-over: a filter hit scans these ints, and compares prefixes
    // only where the whole hash matches (the scan compared every slot's prefix, ~3 % of the origin's loop in a bulk).
    private final int[] slotHashes;
    private final AtomicLong handed = new AtomicLong();
    private final AtomicLongArray frontiers = new AtomicLongArray(MAX_THREADS * FRONTIER_STRIDE);
    private final AtomicLong stored = new AtomicLong();
    private final int nodeId;
    private int threads = 1;
    private SigningShard[] shards = new SigningShard[0];
    private Runnable wakeLoop;
    private long handedByLoop;
    private long storedByLoop;
    // The loop's last reading of signedPrefix(): a lower bound, since frontiers only grow.
    private long signedSeen;
    // The signer of the next index handed over.
    private int nextShard;

    /**
     * @param signer   signs with this node's current key; null stores decisions unsigned (tests of single roles).
     * @param capacity slots, a power of two.
     * @param nodeId   names the thread's role.
     */
    public DecisionSigning(final DecisionSigner signer, final int capacity, final int nodeId)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.signer = signer;
        this.slots = new PreparedDecision[capacity];
        for (int i = 0; i < capacity; i++)
        {
            slots[i] = new PreparedDecision();
        }
        this.slotHashes = new int[capacity];
        this.mask = capacity - 1;
        this.nodeId = nodeId;
    }

    /**
     * Before the loop starts and before anything is handed over: sign on {@code threads} threads, each running one of
     * {@link #shards()} with its {@link SigningShard#idleStrategy()}. Each signs with a {@link DecisionSigner} of its
     * own over the same key ({@link DecisionSigner#forAnotherThread()}).
     *
     * @param wakeLoop ends the loop's idle wait; any thread.
     * @param threads  1 to {@link #MAX_THREADS}.
     * @return this.
     */
    public DecisionSigning offLoop(final Runnable wakeLoop, final int threads)
    {
        if (threads < 1 || threads > MAX_THREADS)
        {
            throw new IllegalArgumentException("signer threads must be 1-" + MAX_THREADS + ": " + threads);
        }
        if (0 != handedByLoop)
        {
            throw new IllegalStateException("signer threads are set before any decision is handed over");
        }
        this.threads = threads;
        shards = new SigningShard[threads];
        for (int k = 0; k < threads; k++)
        {
            frontiers.set(k * FRONTIER_STRIDE, k);
            shards[k] = new SigningShard(this, k, null == signer ? null : 0 == k ? signer : signer.forAnotherThread(),
                "blocksync-signer-" + nodeId + (1 == threads ? "" : "-" + k));
        }
        this.wakeLoop = wakeLoop;
        return this;
    }

    /** The agents to run on the signer threads, one each; empty while signing inline. */
    public SigningShard[] shards()
    {
        return shards.clone();
    }

    /** Signer threads ({@link #offLoop}); 1 while the loop signs inline. */
    public int threads()
    {
        return threads;
    }

    /** Whether a thread signs ({@link #offLoop}); else the loop signs inline. */
    public boolean isOffLoop()
    {
        return null != wakeLoop;
    }

    /** Any thread, before stopping the signers' runners: they park no more, so they see the stop at once. */
    public void prepareStop()
    {
        for (final SigningShard shard : shards)
        {
            shard.prepareStop();
        }
    }

    // Loop side.

    /** Loop: whether a slot is free for the next decision. */
    public boolean hasRoom()
    {
        return handedByLoop - storedByLoop < slots.length;
    }

    /** Loop: decisions handed over and not yet stored. */
    public int inFlight()
    {
        return (int)(handedByLoop - storedByLoop);
    }

    /** Loop: whether a decision for this prefix is handed over and not yet stored. */
    public boolean isPending(final IpPrefix prefix)
    {
        if (handedByLoop == storedByLoop)
        {
            return false;
        }
        final int hash = prefix.hashCode();
        if (0 == pendingPrefixes[hash & (PENDING_BUCKETS - 1)])
        {
            return false;
        }
        // A hash in the filter: the slots in flight say whether it is this very prefix (at most a ring of ints; with
        // 1,024 in flight one look in 16 hits the filter).
        for (long i = storedByLoop; i < handedByLoop; i++)
        {
            final int slot = (int)i & mask;
            if (slotHashes[slot] == hash && slots[slot].record().prefix().equals(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /** Loop: the slot for the next decision; {@link #handOver()} it once prepared. Only when {@link #hasRoom()}. */
    public PreparedDecision claim()
    {
        return slots[(int)handedByLoop & mask];
    }

    /** Loop: the claimed slot is prepared; it is the signer's until signed. */
    public void handOver()
    {
        final int slot = (int)handedByLoop & mask;
        final int hash = slots[slot].record().prefix().hashCode();
        slotHashes[slot] = hash;
        pendingPrefixes[hash & (PENDING_BUCKETS - 1)]++;
        handed.set(++handedByLoop);
        if (null != wakeLoop)
        {
            shards[nextShard].unpark();
            nextShard = nextShard + 1 == threads ? 0 : nextShard + 1;
        }
    }

    /** Loop: decisions ever handed over; a ticket {@link #isStored(long)} answers for. */
    public long handedOver()
    {
        return handedByLoop;
    }

    /** Loop: whether every decision up to the ticket ({@link #handedOver()} after it) is stored. */
    public boolean isStored(final long ticket)
    {
        return storedByLoop >= ticket;
    }

    /**
     * Loop: whether signed decisions are to be taken back now: all that were handed over, or at least a
     * {@link #GROUP} while the signer works on.
     */
    public boolean hasSigned()
    {
        return takeable() > 0;
    }

    /**
     * Loop: how many signed decisions to take back now with {@link #signedHead()} and {@link #release()}: every one
     * signed when the signer has caught up, else whole {@link #GROUP}s; 0 when none.
     */
    public int takeable()
    {
        final long signedNow = signedPrefix();
        signedSeen = signedNow;
        final long ready = signedNow - storedByLoop;
        return (int)(signedNow == handedByLoop ? ready : ready - ready % GROUP);
    }

    /** Loop: the oldest signed decision, to store then {@link #release()}; null when none is signed. */
    public PreparedDecision signedHead()
    {
        if (signedSeen <= storedByLoop)
        {
            signedSeen = signedPrefix();
        }
        return signedSeen > storedByLoop ? slots[(int)storedByLoop & mask] : null;
    }

    /** Loop: the head decision is stored; its slot is free. */
    public void release()
    {
        pendingPrefixes[slotHashes[(int)storedByLoop & mask] & (PENDING_BUCKETS - 1)]--;
        stored.set(++storedByLoop);
    }

    /** Loop, only while no thread signs: sign what is handed over, on the caller's thread. */
    public int signInline()
    {
        return signInOrder(Integer.MAX_VALUE);
    }

    /** Tests standing in for the signer threads: sign at most {@code limit} of what is handed over, in order. */
    int signAtMost(final int limit)
    {
        return signInOrder(limit);
    }

    /**
     * Decisions whose every index below is signed: the least frontier. Any thread; at most {@link #MAX_THREADS}
     * volatile reads.
     */
    long signedPrefix()
    {
        long least = frontiers.get(0);
        for (int k = 1; k < threads; k++)
        {
            least = Math.min(least, frontiers.get(k * FRONTIER_STRIDE));
        }
        return least;
    }

    /**
     * Signer {@code k}'s thread (or the stopping thread, at its close): sign at most {@code limit} of its share of
     * what is handed over, in order, waking the loop when that makes signed decisions takeable.
     */
    int signShare(final int k, final DecisionSigner signer, final int limit)
    {
        final int frontier = k * FRONTIER_STRIDE;
        long next = frontiers.get(frontier);
        final long end = handed.get();
        int work = 0;
        while (next < end && work < limit)
        {
            if (null != signer)
            {
                signer.sign(slots[(int)next & mask].record());
            }
            next += threads;
            frontiers.set(frontier, next);
            work++;
            // The loop takes decisions back when all handed over are signed or a group is (takeable()): wake it then.
            if (null != wakeLoop)
            {
                final long signedNow = signedPrefix();
                if (signedNow == handed.get() || signedNow - stored.get() >= GROUP)
                {
                    wakeLoop.run();
                }
            }
        }
        return work;
    }

    /** With no signer thread running: sign what is handed over in order on the caller's thread, with signer 0's key. */
    private int signInOrder(final int limit)
    {
        final DecisionSigner signer = 0 == shards.length ? this.signer : shards[0].signer();
        final long end = handed.get();
        int work = 0;
        for (long next = signedPrefix(); next < end && work < limit; next++)
        {
            final int frontier = (int)(next % threads) * FRONTIER_STRIDE;
            if (frontiers.get(frontier) == next)
            {
                if (null != signer)
                {
                    signer.sign(slots[(int)next & mask].record());
                }
                frontiers.set(frontier, next + threads);
                work++;
            }
        }
        return work;
    }
}
