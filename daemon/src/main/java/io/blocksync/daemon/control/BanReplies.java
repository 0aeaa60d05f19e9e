package io.blocksync.daemon.control;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.firewall.Firewall;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Words the loop's outcomes as reply lines, on the connection's thread once the loop has released the request
 * (decisions durable). A ban the table holds is also checked against the firewall: the reply waits at most
 * {@link #ENFORCE_WAIT_MILLIS} per request for the kernel to confirm it (an idle firewall commits at once, so the
 * common case waits a fraction of a millisecond) and says so when it does not:
 * <pre>
 *   ok ban 192.0.2.1                                         stored and enforced
 *   ok ban 192.0.2.1 (stored; not enforced: MESSAGE)         the kernel refused it (retried); MESSAGE is the tool's
 *   ok ban 192.0.2.1 (stored; not enforced yet)              the firewall did not confirm it within the wait
 *   ok ban 192.0.2.1 (already in effect[; not enforced...])  an equal or newer ban was there already
 * </pre>
 * Only this thread waits; the loop never does.
 */
final class BanReplies
{
    /** Longest wait, per request, for the firewall to confirm its bans before answering. */
    static final long ENFORCE_WAIT_MILLIS = 500;
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Firewall firewall;
    private final BanPolicy policy;

    BanReplies(final Firewall firewall, final BanPolicy policy)
    {
        this.firewall = firewall;
        this.policy = policy;
    }

    /**
     * @param deadlineNanos on {@link System#nanoTime()}: wait for enforcement until then, shared by every item of
     *                      the request.
     * @return the reply line for the item, without its newline.
     */
    String describe(final LocalRequest request, final int item, final long deadlineNanos)
    {
        final IpPrefix prefix = request.prefix(item);
        final String text = AddressText.format(prefix);
        final boolean ban = request.item(item).isBan();
        final String action = ban ? ControlProtocol.BAN : ControlProtocol.UNBAN;
        final int outcome = request.outcome(item);
        switch (outcome)
        {
            case BanOutcome.APPLIED:
                return withEnforcement(ControlProtocol.OK + " " + action + " " + text, ban, prefix, false, deadlineNanos);
            case BanOutcome.DUPLICATE:
            case BanOutcome.STALE:
                return withEnforcement(ControlProtocol.OK + " " + action + " " + text, ban, prefix, true, deadlineNanos);
            case BanOutcome.PROTECTED:
                return ControlProtocol.ERROR + " " + text + ": refused, protected (" + policy.whyProtected(prefix) + ")";
            case BanOutcome.TOO_BROAD:
                return ControlProtocol.ERROR + " " + text + ": refused, shorter than /" +
                    policy.minPrefixLength(prefix.family()) + " (see min-prefix-ipv4/min-prefix-ipv6 in [bans])";
            case BanOutcome.NOT_BANNED:
                return ControlProtocol.OK + " " + action + " " + text + " (was not banned)";
            default:
                return ControlProtocol.ERROR + " " + text + ": " + BanOutcome.name(outcome);
        }
    }

    /**
     * The reply as before when the kernel holds the ban; otherwise it names why not. "already in effect" is always
     * said, "stored" only next to "not enforced", so an enforced new ban's reply is unchanged.
     */
    private String withEnforcement(
        final String reply, final boolean ban, final IpPrefix prefix, final boolean alreadyInEffect, final long deadlineNanos)
    {
        final String state = alreadyInEffect ? "already in effect" : "stored";
        if (!ban || awaitEnforced(prefix, deadlineNanos))
        {
            return alreadyInEffect ? reply + " (" + state + ")" : reply;
        }
        final String refusal = firewall.refusal(prefix);
        return reply + " (" + state + "; not enforced" +
            (null == refusal ? " yet)" : ": " + ControlRequests.oneLine(refusal) + ")");
    }

    /**
     * @return true once the firewall confirms the prefix, false when the kernel refused it or the deadline passed.
     */
    private boolean awaitEnforced(final IpPrefix prefix, final long deadlineNanos)
    {
        long pauseNanos = FIRST_PAUSE_NANOS;
        while (true)
        {
            if (firewall.isEnforced(prefix))
            {
                return true;
            }
            if (null != firewall.refusal(prefix) || System.nanoTime() - deadlineNanos >= 0)
            {
                return false;
            }
            // The worker publishes enforcement with no signal to wait on; a short doubling pause costs little.
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, LONGEST_PAUSE_NANOS);
        }
    }
}
