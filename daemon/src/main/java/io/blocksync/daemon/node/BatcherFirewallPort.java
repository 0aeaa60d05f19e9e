package io.blocksync.daemon.node;

import io.blocksync.codec.IpPrefix;
import io.blocksync.firewall.CompletionHandler;
import io.blocksync.firewall.FirewallBatcher;
import io.blocksync.firewall.FirewallChange;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Hands ban table changes to the firewall module's batcher (its worker thread runs the tool). When the batcher's
 * slots are all in flight, changes wait here in a fixed overflow ring and are offered again each duty cycle, so a
 * burst never loses a change; only if the ring itself fills is a change dropped, counted and logged.
 * Completions come back on the loop: failures are counted and logged with the tool's own message.
 */
public final class BatcherFirewallPort implements FirewallPort, CompletionHandler
{
    private static final int OVERFLOW_CAPACITY = 65_536;
    private static final int ENTRY_LENGTH = 48;
    private static final int OP_OFFSET = 0;
    private static final int FAMILY_OFFSET = 1;
    private static final int LENGTH_OFFSET = 2;
    private static final int PROTOCOL_OFFSET = 3;
    private static final int PORT_OFFSET = 4;
    private static final int TIMEOUT_OFFSET = 8;
    private static final int REASON_OFFSET = 16;
    private static final int ADDRESS_OFFSET = 24;

    private final FirewallBatcher batcher;
    private final NodeCounters counters;
    private final EventLog.Line log;
    private final UnsafeBuffer overflow = new UnsafeBuffer(BufferUtil.allocateDirectAligned(OVERFLOW_CAPACITY * ENTRY_LENGTH, 64));
    private final IpPrefix prefix = new IpPrefix();
    private final StringBuilder error = new StringBuilder();
    private long head;
    private long tail;

    public BatcherFirewallPort(final FirewallBatcher batcher, final NodeCounters counters, final EventLog log)
    {
        this.batcher = batcher;
        this.counters = counters;
        this.log = log.newLine();
    }

    public boolean ban(final IpPrefix prefix, final long expiresAtMillis, final long reasonPacked, final int protocol, final int port)
    {
        final long timeoutSeconds = expiresAtMillis == 0 ? 0 : Math.max(1, (expiresAtMillis - System.currentTimeMillis() + 999) / 1000);
        return submit(FirewallChange.Op.ADD, prefix, timeoutSeconds, reasonPacked, protocol, port);
    }

    public boolean unban(final IpPrefix prefix, final long reasonPacked, final int protocol, final int port)
    {
        return submit(FirewallChange.Op.REMOVE, prefix, 0, reasonPacked, protocol, port);
    }

    public int poll()
    {
        int work = batcher.pollCompletions(this);
        while (head < tail)
        {
            final int offset = (int)(head % OVERFLOW_CAPACITY) * ENTRY_LENGTH;
            prefix.setAddress(overflow.getByte(offset + FAMILY_OFFSET), overflow, offset + ADDRESS_OFFSET,
                overflow.getByte(offset + LENGTH_OFFSET) & 0xFF);
            final FirewallChange.Op op = overflow.getByte(offset + OP_OFFSET) == 0 ? FirewallChange.Op.ADD : FirewallChange.Op.REMOVE;
            if (!batcher.offer(op, prefix, overflow.getLong(offset + TIMEOUT_OFFSET, LITTLE_ENDIAN),
                overflow.getLong(offset + REASON_OFFSET, LITTLE_ENDIAN), overflow.getByte(offset + PROTOCOL_OFFSET) & 0xFF,
                overflow.getShort(offset + PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF))
            {
                break;
            }
            head++;
            work++;
        }
        return work;
    }

    public void onCompletion(final FirewallChange change)
    {
        if (change.status() == FirewallChange.Status.FAILED)
        {
            counters.firewallFailures.incrementRelease();
            error.setLength(0);
            error.append(String.valueOf(change.error()));
            log.begin().append("firewall: ").append(change.op() == FirewallChange.Op.ADD ? "add " : "remove ")
                .append(change.prefix()).append(" failed: ").append(error).commit();
        }
        else if (change.status() == FirewallChange.Status.APPLIED)
        {
            counters.firewallApplied.incrementRelease();
        }
    }

    public void close()
    {
        batcher.close();
    }

    private boolean submit(
        final FirewallChange.Op op, final IpPrefix prefix, final long timeoutSeconds, final long reason, final int protocol, final int port)
    {
        // Keep order: while anything waits in the overflow ring, new changes queue behind it.
        if (head == tail && batcher.offer(op, prefix, timeoutSeconds, reason, protocol, port))
        {
            return true;
        }
        if (tail - head >= OVERFLOW_CAPACITY)
        {
            counters.firewallQueueFull.incrementRelease();
            log.begin().append("firewall: queue overflow, change to ").append(prefix)
                .append(" dropped; it is re-asserted at the next start").commit();
            return false;
        }

        final int offset = (int)(tail % OVERFLOW_CAPACITY) * ENTRY_LENGTH;
        overflow.putByte(offset + OP_OFFSET, (byte)(op == FirewallChange.Op.ADD ? 0 : 1));
        overflow.putByte(offset + FAMILY_OFFSET, (byte)prefix.family());
        overflow.putByte(offset + LENGTH_OFFSET, (byte)prefix.prefixLength());
        overflow.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        overflow.putShort(offset + PORT_OFFSET, (short)port, LITTLE_ENDIAN);
        overflow.putLong(offset + TIMEOUT_OFFSET, timeoutSeconds, LITTLE_ENDIAN);
        overflow.putLong(offset + REASON_OFFSET, reason, LITTLE_ENDIAN);
        prefix.getAddress(overflow, offset + ADDRESS_OFFSET);
        tail++;
        return true;
    }
}
