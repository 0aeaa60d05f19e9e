package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.NftElementBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes element changes into a raw nf_tables batch ({@link NftElementBatch}), one message per element so the
 * kernel's answer names the element it refuses. The same changes as {@link NftScriptSink} writes, as nft 1.0.6 sends
 * them ({@code nft --debug=netlink}): a plain set's element is its address; an interval set's prefix is a start
 * element and an end element flagged {@code NFT_SET_ELEM_INTERVAL_END} whose key is the first address after the
 * prefix, none (and the start marked open) when the prefix runs to the top of the address space. Only the start
 * carries the timeout. Adds to an interval set are {@link NftElementBatch#CREATE}: nft checks them against its cache
 * of the set (that dump is the cost avoided here), the kernel only refuses partial overlaps and silently keeps a
 * boundary shared with another interval unless told to refuse existing keys; the add before a delete is not (it
 * must succeed on the element itself).
 */
final class NftNetlinkSink implements NftElementSink
{
    private static final long REMOVAL_TIMEOUT_MS = 1000;
    private static final long MILLIS_PER_SECOND = 1000;

    private final byte[] start = new byte[16];
    private final byte[] end = new byte[16];
    /** Per message of the batch: the set and the element it writes (null for a flush), to name a refused one. */
    private final List<NftSetModel> messageSets = new ArrayList<>();
    private final List<IpPrefix> messagePrefixes = new ArrayList<>();
    private final List<String> messageKinds = new ArrayList<>();
    private NftElementBatch batch;

    /**
     * Write into this batch from now on; forgets the messages of the last one.
     */
    void begin(final NftElementBatch batch)
    {
        this.batch = batch;
        messageSets.clear();
        messagePrefixes.clear();
        messageKinds.clear();
    }

    @Override
    public void flush(final NftSetModel set)
    {
        record(set, null, "flush");
        batch.message(NftElementBatch.DELETE, set.familyNumber(), set.table(), set.name());
        batch.endMessage();
    }

    @Override
    public void remove(final NftSetModel set, final List<IpPrefix> prefixes)
    {
        for (int i = 0, size = prefixes.size(); i < size; i++)
        {
            final IpPrefix prefix = prefixes.get(i);
            message(set, prefix, NftElementBatch.ADD, REMOVAL_TIMEOUT_MS);
            message(set, prefix, NftElementBatch.DELETE, NftElementBatch.NO_TIMEOUT);
        }
    }

    @Override
    public void add(final NftSetModel set, final List<NftElement> elements, final long nowMs)
    {
        for (int i = 0, size = elements.size(); i < size; i++)
        {
            final NftElement element = elements.get(i);
            final long timeoutMs = NftSetModel.PERMANENT == element.deadlineMs ? NftElementBatch.NO_TIMEOUT :
                KernelTimeout.secondsLeft(element.deadlineMs - nowMs, TimeUnit.MILLISECONDS) * MILLIS_PER_SECOND;
            message(set, element.prefix, set.interval() ? NftElementBatch.CREATE : NftElementBatch.ADD, timeoutMs);
        }
    }

    /**
     * @return e.g. {@code add 198.51.100.0/24 to inet blocksync ban4}: what message {@code index} of the batch wrote.
     */
    String describe(final int index)
    {
        final IpPrefix prefix = messagePrefixes.get(index);
        return messageKinds.get(index) + (null == prefix ? "" : " " + prefix) + " in " + messageSets.get(index).reference();
    }

    /**
     * @return true if message {@code index} adds to an interval set: a refusal there is an overlap.
     */
    boolean intervalAdd(final int index)
    {
        return "add".equals(messageKinds.get(index)) && messageSets.get(index).interval();
    }

    private void message(final NftSetModel set, final IpPrefix prefix, final int kind, final long timeoutMs)
    {
        record(set, prefix, NftElementBatch.DELETE == kind ? "delete" : "add");
        batch.message(kind, set.familyNumber(), set.table(), set.name());
        final int length = AddressFamily.IPV4 == prefix.family() ? 4 : 16;
        for (int i = 0; i < length; i++)
        {
            start[i] = (byte)prefix.addressByte(i);
        }
        if (!set.interval())
        {
            batch.element(start, length, timeoutMs, 0, false);
        }
        else
        {
            final boolean top = !nextAfter(start, end, prefix.prefixLength(), length);
            batch.element(start, length, timeoutMs, 0, top);
            if (!top)
            {
                batch.element(end, length, NftElementBatch.NO_TIMEOUT, NftElementBatch.INTERVAL_END, false);
            }
        }
        batch.endMessage();
    }

    /**
     * Sets {@code end} to the first address after the prefix whose address (host bits zero) is in {@code start}.
     *
     * @param length the address length, 4 or 16 bytes.
     * @return false if there is none (the prefix runs to the top of the address space).
     */
    static boolean nextAfter(final byte[] start, final byte[] end, final int prefixLength, final int length)
    {
        System.arraycopy(start, 0, end, 0, length);
        if (0 == prefixLength)
        {
            return false;
        }
        // Add 2^(bits - prefixLength): one at the prefix's last bit, carried towards the first byte.
        final int bit = prefixLength - 1;
        int carry = 1 << (7 - (bit & 7));
        for (int i = bit >>> 3; i >= 0 && 0 != carry; i--)
        {
            final int sum = (end[i] & 0xFF) + carry;
            end[i] = (byte)sum;
            carry = sum >>> 8;
        }
        return 0 == carry;
    }

    private void record(final NftSetModel set, final IpPrefix prefix, final String kind)
    {
        messageSets.add(set);
        messagePrefixes.add(prefix);
        messageKinds.add(kind);
    }
}
