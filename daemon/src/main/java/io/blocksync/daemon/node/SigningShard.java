package io.blocksync.daemon.node;

import io.blocksync.daemon.table.DecisionSigner;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * One of {@link DecisionSigning}'s signer threads, signer {@code k} of {@code N}: signs the ring's indices
 * {@code k, k + N, ...} in order with a {@link DecisionSigner} (and so a scratch record) of its own, publishes how far
 * it got (its frontier), and parks when the loop has handed it nothing. Named {@code blocksync-signer-ID} when it is
 * the only one, {@code blocksync-signer-ID-k} among several.
 */
public final class SigningShard implements Agent
{
    private final DecisionSigning ring;
    private final int index;
    private final DecisionSigner signer;
    private final String roleName;
    private final Idle idle = new Idle();
    private volatile Thread thread;

    SigningShard(final DecisionSigning ring, final int index, final DecisionSigner signer, final String roleName)
    {
        this.ring = ring;
        this.index = index;
        this.signer = signer;
        this.roleName = roleName;
    }

    /** Parks this signer until the loop hands it a decision. */
    public IdleStrategy idleStrategy()
    {
        return idle;
    }

    public void onStart()
    {
        thread = Thread.currentThread();
    }

    public int doWork()
    {
        return ring.signShare(index, signer, Integer.MAX_VALUE);
    }

    /** At stop, after the loop stopped: nothing more is handed over, so this signer's share of it is signed now. */
    public void onClose()
    {
        ring.signShare(index, signer, Integer.MAX_VALUE);
    }

    public String roleName()
    {
        return roleName;
    }

    DecisionSigner signer()
    {
        return signer;
    }

    /** Loop: a decision of this signer's was handed over. Before {@link #onStart()} a no-op: its first work sees it. */
    void unpark()
    {
        LockSupport.unpark(thread);
    }

    /** Any thread: park no more, so the runner sees its stop at once. */
    void prepareStop()
    {
        idle.stopping = true;
        LockSupport.unpark(thread);
    }

    /** Parks until unparked by a hand-off (or the stop); never spins, so an idle signer costs no CPU. */
    private static final class Idle implements IdleStrategy
    {
        private static final long STOPPING_PARK_NANOS = 1_000_000;

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
            else
            {
                // Runners are closed one after another: the later ones wait here for theirs without spinning.
                LockSupport.parkNanos(this, STOPPING_PARK_NANOS);
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
