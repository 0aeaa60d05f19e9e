package io.blocksync.daemon.node;

import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.table.DecisionSigner;
import io.blocksync.daemon.table.PreparedDecision;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Signs this node's own decisions off the loop: the loop hands each prepared decision (every wire field fixed,
 * {@link io.blocksync.daemon.table.BanTable#prepareLocal}) into a fixed ring of slots, this agent signs them in
 * order on its own thread ({@code blocksync-signer-N}), and the loop takes the signed ones back in the same order to
 * store and send. Ed25519 signing (about 90 µs a decision under C1) was three quarters of the origin's loop time
 * per ban; the hand-off is three sequence counters and two wake-ups.
 * <p>
 * <b>Slots and counters.</b> Slot {@code i % capacity} belongs to the loop until {@code handed > i}, then to the
 * signer until {@code signed > i}, then to the loop again until {@code stored > i}. Each counter has one writer and
 * is written with a volatile store after its slot's contents, so the reader that sees it sees them. The loop never
 * waits: with the ring full ({@link #hasRoom()}) decisions stay in their queue, as when the stream has no room.
 * <p>
 * <b>Waking.</b> The loop unparks the signer when it hands a decision over; the signer parks when it has none. The
 * loop takes signed decisions back a {@link #GROUP} at a time while the signer works on, and all of them once it
 * has caught up ({@link #takeable()}); the signer wakes the loop ({@code wakeLoop}, the transport's selector
 * wake-up) exactly then. Both sides write their counter before reading the other's (volatile, so sequentially
 * consistent): either the signer sees what the loop would take and wakes it, or the loop, checking
 * {@link #hasSigned()} before it parks, sees the signatures.
 * <p>
 * <b>Inline.</b> Until {@link #offLoop(Runnable)} is called (engines on a manual clock, tests of single roles) nothing
 * runs this agent: the door ({@link LocalDecisions}) signs each decision inline with {@link #signInline()} and stores
 * it at once, the same path in one step.
 * <p>
 * <b>Same prefix.</b> A decision handed over is not in the table yet, so the door must not prepare another for the
 * same prefix until it is stored ({@link #isPending(IpPrefix)}: a counting filter of prefix hashes, and on a hit a
 * look at the slots in flight).
 * <p>
 * <b>Stop.</b> The signer's thread is stopped after the loop's: {@link #onClose()} signs whatever is still handed
 * over, so the stopping thread can store it ({@link LocalDecisions#storeSigned()}) before the store is closed.
 */
public final class DecisionSigning implements Agent
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
    private static final int PENDING_BUCKETS = 16_384;

    private final DecisionSigner signer;
    private final PreparedDecision[] slots;
    private final int mask;
    private final int[] pendingPrefixes = new int[PENDING_BUCKETS];
    // The prefix hash of each slot's decision, set at hand-over: a filter hit scans these ints, and compares prefixes
    // only where the whole hash matches (the scan compared every slot's prefix, ~3 % of the origin's loop in a bulk).
    private final int[] slotHashes;
    private final AtomicLong handed = new AtomicLong();
    private final AtomicLong signed = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final String roleName;
    private final Idle idle = new Idle();
    private Runnable wakeLoop;
    private volatile Thread signerThread;
    private long handedByLoop;
    private long storedByLoop;

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
        this.roleName = "blocksync-signer-" + nodeId;
    }

    /**
     * Before the loop starts: sign on a thread of its own that runs this agent with {@link #idleStrategy()}.
     *
     * @param wakeLoop ends the loop's idle wait; any thread.
     * @return this.
     */
    public DecisionSigning offLoop(final Runnable wakeLoop)
    {
        this.wakeLoop = wakeLoop;
        return this;
    }

    /** Whether a thread signs ({@link #offLoop}); else the loop signs inline. */
    public boolean isOffLoop()
    {
        return null != wakeLoop;
    }

    /** Parks the signer until the loop hands it a decision. */
    public IdleStrategy idleStrategy()
    {
        return idle;
    }

    /** Any thread, before stopping the signer's runner: it parks no more, so it sees the stop at once. */
    public void prepareStop()
    {
        idle.stopping = true;
        LockSupport.unpark(signerThread);
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
            LockSupport.unpark(signerThread);
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
        final long signedNow = signed.get();
        final long ready = signedNow - storedByLoop;
        return (int)(signedNow == handedByLoop ? ready : ready - ready % GROUP);
    }

    /** Loop: the oldest signed decision, to store then {@link #release()}; null when none is signed. */
    public PreparedDecision signedHead()
    {
        return signed.get() > storedByLoop ? slots[(int)storedByLoop & mask] : null;
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
        return signHanded(Integer.MAX_VALUE);
    }

    /** Tests standing in for the signer's thread: sign at most {@code limit} of what is handed over. */
    int signAtMost(final int limit)
    {
        return signHanded(limit);
    }

    // Signer side.

    public void onStart()
    {
        signerThread = Thread.currentThread();
    }

    public int doWork()
    {
        return signHanded(slots.length);
    }

    /** At stop, after the loop stopped: nothing more is handed over, so what was is signed now. */
    public void onClose()
    {
        signHanded(Integer.MAX_VALUE);
    }

    public String roleName()
    {
        return roleName;
    }

    private int signHanded(final int limit)
    {
        long next = signed.get();
        final long end = handed.get();
        int work = 0;
        while (next < end && work < limit)
        {
            if (null != signer)
            {
                signer.sign(slots[(int)next & mask].record());
            }
            signed.set(++next);
            work++;
            // The loop takes decisions back when all handed over are signed or a group is (takeable()): wake it then.
            if (null != wakeLoop && (next == handed.get() || next - stored.get() >= GROUP))
            {
                wakeLoop.run();
            }
        }
        return work;
    }

    /** Parks until unparked by a hand-off (or the stop); never spins, so an idle signer costs no CPU. */
    private static final class Idle implements IdleStrategy
    {
        volatile boolean stopping;

        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        public void idle()
        {
            if (!stopping)
            {
                LockSupport.park(this);
            }
        }

        public void reset()
        {
        }

        public String alias()
        {
            return "park";
        }
    }
}
