package io.blocksync.nativeio;

import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;

/**
 * One nf_tables transaction of set-element changes, built as the kernel reads it (linux/netfilter/nfnetlink.h,
 * linux/netfilter/nf_tables.h; libnftnl's src/set_elem.c writes the same): {@code NFNL_MSG_BATCH_BEGIN}, then one
 * {@code NFT_MSG_NEWSETELEM} or {@code NFT_MSG_DELSETELEM} message per {@link #message}, each with
 * {@code NLM_F_ACK} so the kernel answers every one with its own errno (and, for a refused element, the offset of
 * its attribute in the message: {@link #errorOffset}), then {@code NFNL_MSG_BATCH_END}. A message may list many
 * elements of one set, as nft writes them: the kernel then parses, looks up the table and set, and answers once for
 * all of them, where one message per element cost a table and set look-up, an acknowledgement and a {@code recv}
 * each.
 * <p>
 * A message names its table and set ({@code NFTA_SET_ELEM_LIST_TABLE}, {@code _SET}) and lists elements
 * ({@code NFTA_SET_ELEM_LIST_ELEMENTS}): a key ({@code NFTA_SET_ELEM_KEY} / {@code NFTA_DATA_VALUE}, network byte
 * order), optionally a timeout ({@code NFTA_SET_ELEM_TIMEOUT}, big-endian milliseconds) and flags
 * ({@code NFTA_SET_ELEM_FLAGS}: {@link #INTERVAL_END}). A message without elements deletes every element: a set
 * flush. Reused across commits by {@link NftElementWriter}: nothing is allocated once the buffer has grown.
 */
public final class NftElementBatch
{
    /** {@code NFT_MSG_NEWSETELEM} with {@code NLM_F_CREATE}, no {@code NLM_F_EXCL}: nft's {@code add element}. */
    public static final int ADD = 12;
    /**
     * {@code NFT_MSG_NEWSETELEM} with {@code NLM_F_CREATE | NLM_F_EXCL}: nft's {@code create element}, EEXIST for a key
     * the set holds. An interval set needs it: without, the kernel silently keeps an existing boundary it shares
     * with the new interval (an end equal to another interval's end), and the set is left with two starts and one
     * end; nft's {@code add} avoids that by checking overlaps against its cache of the set's elements.
     */
    public static final int CREATE = 0x10000 | ADD;
    /** {@code NFT_MSG_DELSETELEM}: nft's {@code delete element} (ENOENT for an absent element). */
    public static final int DELETE = 14;
    /** {@code NFT_SET_ELEM_INTERVAL_END}: the element is the first address after an interval. */
    public static final int INTERVAL_END = 1;
    /** No {@code NFTA_SET_ELEM_TIMEOUT}: the element stays until deleted (or gets the set's default timeout). */
    public static final long NO_TIMEOUT = -1;
    /**
     * Most bytes of elements one message should list: {@code NFTA_SET_ELEM_LIST_ELEMENTS} is one attribute, and an
     * attribute's length is 16 bits ({@link #elementBytes()}).
     */
    public static final int MAX_ELEMENT_BYTES = 60_000;
    /** The largest element {@link #element} writes: list element, key nest, a 16-byte key, timeout, flags, udata. */
    public static final int MAX_ELEMENT_SIZE = 4 + 4 + 4 + 16 + 12 + 8 + 12;

    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private static final int NLMSG_HDRLEN = 16;
    private static final int NFGENMSG_LENGTH = 4;
    private static final int NLA_HDRLEN = 4;
    private static final int NLA_F_NESTED = 0x8000;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    private static final int NFNL_MSG_BATCH_END = 0x11;
    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int LIST_TABLE = 1;
    private static final int LIST_SET = 2;
    private static final int LIST_ELEMENTS = 3;
    private static final int LIST_ELEM = 1;
    private static final int ELEM_KEY = 1;
    private static final int ELEM_FLAGS = 3;
    private static final int ELEM_TIMEOUT = 4;
    private static final int ELEM_USERDATA = 6;
    private static final int DATA_VALUE = 1;
    /** libnftnl's udata: {@code NFTNL_UDATA_SET_ELEM_FLAGS} = {@code NFTNL_SET_ELEM_F_INTERVAL_OPEN}, as nft writes. */
    private static final int UDATA_SET_ELEM_FLAGS = 1;
    private static final int SET_ELEM_F_INTERVAL_OPEN = 1;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private int length;
    private int firstSequence;
    private int messages;
    private int messageStart = -1;
    private int elementsStart = -1;
    private int[] errors = new int[16];
    private int[] errorOffsets = new int[16];

    /**
     * Start a new batch: {@code NFNL_MSG_BATCH_BEGIN} with the given sequence number; element message i gets
     * {@code firstSequence + 1 + i}.
     */
    void reset(final int firstSequence)
    {
        this.firstSequence = firstSequence;
        length = 0;
        messages = 0;
        messageStart = -1;
        elementsStart = -1;
        batchMessage(NFNL_MSG_BATCH_BEGIN, firstSequence);
    }

    /**
     * Start an element message; end it with {@link #endMessage()}.
     *
     * @param kind   {@link #ADD}, {@link #CREATE} or {@link #DELETE}.
     * @param family NFPROTO number ({@link NftSetDump#family(String)}).
     * @param table  the table's name, ASCII, without terminator.
     * @param set    the set's name.
     * @return the message's index, for {@link #error(int)}.
     */
    public int message(final int kind, final int family, final byte[] table, final byte[] set)
    {
        if (messageStart >= 0)
        {
            throw new IllegalStateException("element message " + (messages - 1) + " not ended");
        }
        messageStart = length;
        final int sequence = firstSequence + 1 + messages;
        final int flags = ADD == kind ? NLM_F_CREATE : CREATE == kind ? NLM_F_CREATE | NLM_F_EXCL : 0;
        header(NFNL_SUBSYS_NFTABLES << 8 | (kind & 0xFF), NLM_F_REQUEST | NLM_F_ACK | flags, sequence);
        buffer.putByte(length + NLMSG_HDRLEN, (byte)family);
        buffer.putByte(length + NLMSG_HDRLEN + 1, (byte)0);
        buffer.putShort(length + NLMSG_HDRLEN + 2, (short)0, ByteOrder.BIG_ENDIAN);
        length += NLMSG_HDRLEN + NFGENMSG_LENGTH;
        string(LIST_TABLE, table);
        string(LIST_SET, set);
        return messages++;
    }

    /**
     * One element of the current message.
     *
     * @param key       the address, network byte order, in its first {@code keyLength} bytes.
     * @param timeoutMs the element's timeout, or {@link #NO_TIMEOUT}.
     * @param flags     0 or {@link #INTERVAL_END}.
     * @param open      an interval start with no end element (it runs to the top of the address space): marked in
     *                  the element's user data as nft marks it, so nft lists it as a prefix.
     * @return the offset of the element's attribute from the start of its message, as the kernel gives it for a
     * refused element ({@link #errorOffset}).
     */
    public int element(final byte[] key, final int keyLength, final long timeoutMs, final int flags, final boolean open)
    {
        if (messageStart < 0)
        {
            throw new IllegalStateException("no element message started");
        }
        if (elementsStart < 0)
        {
            elementsStart = length;
            length += NLA_HDRLEN;
        }
        final int elem = length;
        length += NLA_HDRLEN;
        final int keyNest = length;
        length += NLA_HDRLEN;
        attribute(DATA_VALUE, keyLength);
        buffer.putBytes(length - align(keyLength) + 0, key, 0, keyLength);
        close(keyNest, ELEM_KEY | NLA_F_NESTED);
        if (NO_TIMEOUT != timeoutMs)
        {
            attribute(ELEM_TIMEOUT, 8);
            buffer.putLong(length - 8, timeoutMs, ByteOrder.BIG_ENDIAN);
        }
        if (0 != flags)
        {
            attribute(ELEM_FLAGS, 4);
            buffer.putInt(length - 4, flags, ByteOrder.BIG_ENDIAN);
        }
        if (open)
        {
            attribute(ELEM_USERDATA, 6);
            buffer.putByte(length - 8, (byte)UDATA_SET_ELEM_FLAGS);
            buffer.putByte(length - 7, (byte)4);
            buffer.putInt(length - 6, SET_ELEM_F_INTERVAL_OPEN, HOST);
        }
        close(elem, LIST_ELEM | NLA_F_NESTED);
        return elem - messageStart;
    }

    /**
     * @return bytes of elements the current message lists so far (0 before its first element); keep it at most
     * {@link #MAX_ELEMENT_BYTES} by starting a new message once it would pass that with one more
     * ({@link #MAX_ELEMENT_SIZE}).
     */
    public int elementBytes()
    {
        return elementsStart < 0 ? 0 : length - elementsStart;
    }

    /**
     * End the current message (a message with no element flushes the set: {@code DELSETELEM} without a list).
     */
    public void endMessage()
    {
        if (elementsStart >= 0)
        {
            close(elementsStart, LIST_ELEMENTS | NLA_F_NESTED);
            elementsStart = -1;
        }
        buffer.putInt(messageStart, length - messageStart, HOST);
        messageStart = -1;
    }

    /**
     * @return the number of element messages.
     */
    public int messages()
    {
        return messages;
    }

    /**
     * @return the errno the kernel answered element message {@code message} with at the last commit (0: accepted).
     */
    public int error(final int message)
    {
        return errors[message];
    }

    /**
     * @return for a refused element message, the offset from the start of the message of the attribute the kernel
     * refused ({@code NLMSGERR_ATTR_OFFS}: the refused element's, as {@link #element} returned it, or e.g. the set
     * name's when the set is missing); -1 when the answer gave none.
     */
    public int errorOffset(final int message)
    {
        return errorOffsets[message];
    }

    /**
     * Appends {@code NFNL_MSG_BATCH_END}; sizes the answer array.
     */
    void finish()
    {
        if (messageStart >= 0)
        {
            throw new IllegalStateException("element message " + (messages - 1) + " not ended");
        }
        batchMessage(NFNL_MSG_BATCH_END, firstSequence + 1 + messages);
        if (errors.length != messages)
        {
            errors = new int[messages];
            errorOffsets = new int[messages];
        }
    }

    int[] errors()
    {
        return errors;
    }

    int[] errorOffsets()
    {
        return errorOffsets;
    }

    byte[] bytes()
    {
        return buffer.byteArray();
    }

    int length()
    {
        return length;
    }

    int firstSequence()
    {
        return firstSequence;
    }

    private void batchMessage(final int type, final int sequence)
    {
        header(type, NLM_F_REQUEST, sequence);
        buffer.putInt(length, NLMSG_HDRLEN + NFGENMSG_LENGTH, HOST);
        buffer.putByte(length + NLMSG_HDRLEN, (byte)0);
        buffer.putByte(length + NLMSG_HDRLEN + 1, (byte)0);
        buffer.putShort(length + NLMSG_HDRLEN + 2, (short)NFNL_SUBSYS_NFTABLES, ByteOrder.BIG_ENDIAN);
        length += NLMSG_HDRLEN + NFGENMSG_LENGTH;
    }

    private void header(final int type, final int flags, final int sequence)
    {
        buffer.putInt(length, 0, HOST);
        buffer.putShort(length + 4, (short)type, HOST);
        buffer.putShort(length + 6, (short)flags, HOST);
        buffer.putInt(length + 8, sequence, HOST);
        buffer.putInt(length + 12, 0, HOST);
    }

    private void string(final int type, final byte[] text)
    {
        attribute(type, text.length + 1);
        buffer.putBytes(length - align(text.length + 1), text);
        buffer.putByte(length - align(text.length + 1) + text.length, (byte)0);
    }

    /**
     * Appends an attribute header and room for {@code size} payload bytes (zeroed padding included).
     */
    private void attribute(final int type, final int size)
    {
        buffer.putShort(length, (short)(NLA_HDRLEN + size), HOST);
        buffer.putShort(length + 2, (short)type, HOST);
        length += NLA_HDRLEN;
        for (int i = size; i < align(size); i++)
        {
            buffer.putByte(length + i, (byte)0);
        }
        length += align(size);
    }

    private void close(final int start, final int type)
    {
        buffer.putShort(start, (short)(length - start), HOST);
        buffer.putShort(start + 2, (short)type, HOST);
    }

    private static int align(final int size)
    {
        return (size + 3) & ~3;
    }
}
