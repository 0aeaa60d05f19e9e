package io.blocksync.daemon.node;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * Idles by sleeping in the kernel on the UDP socket until a datagram arrives, the control thread wakes the loop,
 * or the agent's next timer is due. After work it spins briefly first, so a burst is not slowed by wake-ups;
 * with nothing to do it costs no CPU, which matters on a router.
 */
public final class NodeIdleStrategy implements IdleStrategy
{
    private static final int SPINS_BEFORE_PARK = 20;

    private final Transport transport;
    private final NodeAgent agent;
    private final NanoClock nanoClock;
    private int spins;

    public NodeIdleStrategy(final Transport transport, final NodeAgent agent, final NanoClock nanoClock)
    {
        this.transport = transport;
        this.agent = agent;
        this.nanoClock = nanoClock;
    }

    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            spins = 0;
            return;
        }
        idle();
    }

    public void idle()
    {
        if (spins < SPINS_BEFORE_PARK)
        {
            spins++;
            Thread.onSpinWait();
            return;
        }

        final long waitMillis = agent.idleWaitMillis(nanoClock.nanoTime());
        if (waitMillis > 0)
        {
            transport.awaitReadable(waitMillis);
        }
        else
        {
            Thread.onSpinWait();
        }
    }

    public void reset()
    {
        spins = 0;
    }

    public String alias()
    {
        return "socket-wait";
    }
}
