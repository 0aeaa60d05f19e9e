package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import io.blocksync.nativeio.NftElementBatch;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Writes element changes into a raw nf_tables batch ({@link NftElementBatch}): the elements of one set and one kind
 * (add, create, delete) that follow each other share a message, as nft writes them, up to
 * {@link NftElementBatch#MAX_ELEMENT_BYTES}; the kernel's answer to a refused message gives the offset of the
 * element it refused, so {@link #refused} still names it. The same changes as {@link NftScriptSink} writes, as nft
 * 1.0.6 sends them ({@code nft --debug=netlink}): a plain set's element is its address; an interval set's prefix is
 * a start element and an end element flagged {@code NFT_SET_ELEM_INTERVAL_END} whose key is the first address after
 * the prefix, none (and the start marked open) when the prefix runs to the top of the address space. Only the start
 * carries the timeout. Adds to an interval set are {@link NftElementBatch#CREATE}: nft checks them against its cache
 * of the set (that dump is the cost avoided here), the kernel only refuses partial overlaps and silently keeps a
 * boundary shared with another interval unless told to refuse existing keys; the add before a delete is not (it
 * must succeed on the element itself). A removal writes every element's 1 s add, then every delete: each element's
 * add still comes before its delete, and the elements of one removal never overlap (they were all in the kernel).
 */
final class NftNetlinkSink implements NftElementSink
{
    private static final long REMOVAL_TIMEOUT_MS = 1000;
    private static final long MILLIS_PER_SECOND = 1000;
    private static final int NO_KIND = -1;
    /** The recorded meta of a flush, which has no element. */
    private static final int FLUSH = -1;

    private final byte[] start = new byte[16];
    private final byte[] end = new byte[16];
    /**
     * Per element written (a flush counts as one, with meta {@link #FLUSH}): its set, key ({@link ElementKey}), kind,
     * message and offset; primitives, so writing an element makes no object.
     */
    private final ArrayList<NftSetModel> elementSets = new ArrayList<>();
    private final LongArrayList elementHighs = new LongArrayList();
    private final LongArrayList elementLows = new LongArrayList();
    private final IntArrayList elementMetas = new IntArrayList();
    private final IntArrayList elementKinds = new IntArrayList();
    private final IntArrayList elementMessages = new IntArrayList();
    private final IntArrayList elementOffsets = new IntArrayList();
    private NftElementBatch batch;
    /** The open message's set and kind, or {@link #NO_KIND} when none is open. */
    private NftSetModel openSet;
    private int openKind = NO_KIND;
    private int openMessage;

    /**
     * Write into this batch from now on; forgets the elements of the last one.
     */
    void begin(final NftElementBatch batch)
    {
        this.batch = batch;
        openSet = null;
        openKind = NO_KIND;
        elementSets.clear();
        elementHighs.clear();
        elementLows.clear();
        elementMetas.clear();
        elementKinds.clear();
        elementMessages.clear();
        elementOffsets.clear();
    }

    /**
     * End the open message; call before the batch is committed.
     */
    void finish()
    {
        if (NO_KIND != openKind)
        {
            batch.endMessage();
            openKind = NO_KIND;
            openSet = null;
        }
    }

    @Override
    public void flush(final NftSetModel set)
    {
        finish();
        final int message = batch.message(NftElementBatch.DELETE, set.familyNumber(), set.table(), set.name());
        recordElement(set, 0, 0, FLUSH);
        recordPlace(NftElementBatch.DELETE, message, -1);
        batch.endMessage();
    }

    @Override
    public void remove(final NftSetModel set, final NftElementList elements)
    {
        for (int i = 0, size = elements.size(); i < size; i++)
        {
            element(set, elements, i, NftElementBatch.ADD, REMOVAL_TIMEOUT_MS);
        }
        for (int i = 0, size = elements.size(); i < size; i++)
        {
            element(set, elements, i, NftElementBatch.DELETE, NftElementBatch.NO_TIMEOUT);
        }
    }

    @Override
    public void add(final NftSetModel set, final NftElementList elements, final long nowMs)
    {
        final int kind = set.interval() ? NftElementBatch.CREATE : NftElementBatch.ADD;
        for (int i = 0, size = elements.size(); i < size; i++)
        {
            final long deadlineMs = elements.deadlineMs(i);
            final long timeoutMs = NftSetModel.PERMANENT == deadlineMs ? NftElementBatch.NO_TIMEOUT :
                KernelTimeout.secondsLeft(deadlineMs - nowMs, TimeUnit.MILLISECONDS) * MILLIS_PER_SECOND;
            element(set, elements, i, kind, timeoutMs);
        }
    }

    /**
     * @return the element written that message {@code message} of the batch had refused, by the offset the kernel
     * gave ({@link NftElementBatch#errorOffset}): the last element at or before it; the message's first element when
     * the offset is missing or lies before its elements (e.g. the set name, for a missing set).
     */
    int refused(final int message, final int offset)
    {
        int found = -1;
        for (int i = 0, size = elementMessages.size(); i < size; i++)
        {
            final int at = elementMessages.getInt(i);
            if (at == message && (found < 0 || (offset >= 0 && elementOffsets.getInt(i) <= offset)))
            {
                found = i;
            }
            else if (at > message)
            {
                break;
            }
        }
        return found;
    }

    /**
     * @return e.g. {@code add 198.51.100.0/24 in inet blocksync ban4}: what element {@code index} ({@link #refused})
     * wrote.
     */
    String describe(final int index)
    {
        final int meta = elementMetas.getInt(index);
        final int kind = elementKinds.getInt(index);
        final String word = FLUSH == meta ? "flush" : NftElementBatch.DELETE == kind ? "delete" : "add";
        final String prefix = FLUSH == meta ? "" : " " + ElementKey.toPrefix(
            elementHighs.getLong(index), elementLows.getLong(index), meta, new IpPrefix(), new byte[16]);
        return word + prefix + " in " + elementSets.get(index).reference();
    }

    /**
     * @return true if element {@code index} adds to an interval set: a refusal there is an overlap.
     */
    boolean intervalAdd(final int index)
    {
        return FLUSH != elementMetas.getInt(index) && NftElementBatch.DELETE != elementKinds.getInt(index) &&
            elementSets.get(index).interval();
    }

    private void element(
        final NftSetModel set, final NftElementList elements, final int index, final int kind, final long timeoutMs)
    {
        if (set != openSet || kind != openKind ||
            batch.elementBytes() > NftElementBatch.MAX_ELEMENT_BYTES - 2 * NftElementBatch.MAX_ELEMENT_SIZE)
        {
            finish();
            openMessage = batch.message(kind, set.familyNumber(), set.table(), set.name());
            openSet = set;
            openKind = kind;
        }
        final long high = elements.high(index);
        final long low = elements.low(index);
        final int meta = elements.meta(index);
        final int length = AddressFamily.IPV4 == meta >>> 8 ? 4 : 16;
        for (int i = 0; i < length; i++)
        {
            start[i] = (byte)((i < 8 ? high : low) >>> (56 - 8 * (i & 7)));
        }
        final int offset;
        if (!set.interval())
        {
            offset = batch.element(start, length, timeoutMs, 0, false);
        }
        else
        {
            final boolean top = !nextAfter(start, end, meta & 0xFF, length);
            offset = batch.element(start, length, timeoutMs, 0, top);
            if (!top)
            {
                batch.element(end, length, NftElementBatch.NO_TIMEOUT, NftElementBatch.INTERVAL_END, false);
            }
        }
        recordElement(set, high, low, meta);
        recordPlace(kind, openMessage, offset);
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

    /** What element the next recorded place carries; always followed by {@link #recordPlace}. */
    private void recordElement(final NftSetModel set, final long high, final long low, final int meta)
    {
        elementSets.add(set);
        elementHighs.addLong(high);
        elementLows.addLong(low);
        elementMetas.addInt(meta);
    }

    /** Where the element {@link #recordElement} just recorded sits in the batch, and whether it is added or deleted. */
    private void recordPlace(final int kind, final int message, final int offset)
    {
        elementKinds.addInt(kind);
        elementMessages.addInt(message);
        elementOffsets.addInt(offset);
    }
}
