package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.status.EventLog;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * One log line per ban the node hands to its firewall and per ban an unban lifts, whatever the backend, in
 * fail2ban's spirit so operators can grep what happened:
 * <pre>
 *   2026-11-30T09:12:01.123Z ban 192.0.2.60 reason sshd 1h origin node1 (3 hits)
 *   2026-11-30T09:12:01.123Z ban 198.51.100.0/24 reason spamhaus-drop permanent origin web2
 *   2026-11-30T09:14:40.007Z unban 192.0.2.60 reason sshd origin node1
 * </pre>
 * The duration is what this node holds (after its own {@code max-duration}), not what the origin asked for. The
 * origin is the peer's configured name, or {@code node} and its id; the hits part appears only for a local
 * decision that states them (a detector rule, {@code ban ... HITS} on the control socket). Formatted on the loop into
 * the event log's preallocated line (no allocation), committed to its ring; a full ring drops the line and counts it.
 */
final class BanAudit
{
    private static final long[] UNIT_SECONDS = { 86_400, 3_600, 60, 1 };
    private static final char[] UNIT_NAMES = { 'd', 'h', 'm', 's' };

    private final EventLog.Line line;
    private final Int2ObjectHashMap<String> names = new Int2ObjectHashMap<>();

    BanAudit(final EventLog log)
    {
        this.line = log.newLine();
    }

    void name(final int nodeId, final String name)
    {
        names.put(nodeId, name);
    }

    void ban(final Ban ban)
    {
        line.begin().append("ban ").append(ban.prefix()).append(" reason ").appendReason(ban).append(' ');
        appendDuration(heldSeconds(ban));
        appendOrigin(ban.originNodeId());
        if (ban.hitCount() > 0)
        {
            line.append(" (").append(ban.hitCount()).append(ban.hitCount() == 1 ? " hit)" : " hits)");
        }
        line.commit();
    }

    /** @param lifted the ban the unban replaced: its reason names what was lifted. */
    void unban(final Ban unban, final Ban lifted)
    {
        line.begin().append("unban ").append(unban.prefix()).append(" reason ").appendReason(lifted);
        appendOrigin(unban.originNodeId());
        line.commit();
    }

    /**
     * How long this node holds the ban: a peer's record keeps the duration its origin signed, but this node ends it
     * by its own {@code max-duration} (BanTable), so a permanent ban from a peer may be 30d here.
     *
     * @return seconds from when the table took it to its expiry, rounded up; {@link Ban#PERMANENT} for none.
     */
    static long heldSeconds(final Ban ban)
    {
        if (Ban.PERMANENT == ban.expiresAtMillis())
        {
            return Ban.PERMANENT;
        }
        // At least 1 s: 0 would read "permanent".
        return Math.max(1, (ban.expiresAtMillis() - ban.appliedAtMillis() + 999) / 1000);
    }

    private void appendOrigin(final int nodeId)
    {
        line.append(" origin ");
        final String name = names.get(nodeId);
        if (null == name)
        {
            line.append("node").append(nodeId);
        }
        else
        {
            line.append(name);
        }
    }

    /** As config.Durations.formatBanSeconds writes it (1h, 1h30m, 14d, permanent), without allocating. */
    private void appendDuration(final long seconds)
    {
        if (0 == seconds)
        {
            line.append("permanent");
            return;
        }
        long left = seconds;
        for (int i = 0; i < UNIT_SECONDS.length; i++)
        {
            if (left >= UNIT_SECONDS[i])
            {
                line.append(left / UNIT_SECONDS[i]).append(UNIT_NAMES[i]);
                left %= UNIT_SECONDS[i];
            }
        }
    }
}
