package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import static io.blocksync.codec.FrameHeaderFlyweight.CURRENT_VERSION;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.MIN_DATAGRAM_LENGTH;
import static io.blocksync.codec.FrameHeaderFlyweight.TAG_LENGTH;

/**
 * The receive-side gate: a datagram is authenticated before anything else looks at its body. Order:
 * length and version, receiver, sender and keys, tag under the link's key (constant time), anti-replay window, then frame structure; only a
 * datagram that passes all of them moves the replay window ({@link #verify}, or {@link #check} then
 * {@link #acceptLast()} when the caller may decline the frame for now). Returns a {@link RejectReason} code and never throws on
 * bad input, so the receive loop can count rejections without allocating. Not thread safe.
 */
public final class FrameVerifier
{
    private final int nodeId;
    private final Int2ObjectHashMap<PeerLink> links = new Int2ObjectHashMap<>();
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final BanRecordFlyweight record = new BanRecordFlyweight();
    private final Lz4Block lz4 = new Lz4Block();
    private PeerLink lastSender;
    private long lastSequence;

    /** @param nodeId this node's id: the receiver id every datagram it takes must carry. */
    public FrameVerifier(final int nodeId)
    {
        this.nodeId = nodeId;
    }

    /** Trust a peer: its datagrams verify under the link's keys. */
    public FrameVerifier addLink(final PeerLink link)
    {
        if (link.nodeId() != nodeId)
        {
            throw new IllegalArgumentException("link of node " + link.nodeId() + " given to node " + nodeId);
        }
        links.put(link.peerId(), link);
        return this;
    }

    /** The configured peer with this id, or null. */
    public PeerLink link(final int peerId)
    {
        return links.get(peerId);
    }

    public int nodeId()
    {
        return nodeId;
    }

    /**
     * Check a datagram and, when it passes, mark its packet sequence as seen.
     *
     * @return {@link RejectReason#NONE} when the datagram is authentic, fresh and well formed; the frame can then
     * be read with the flyweight for its type.
     */
    public int verify(final DirectBuffer buffer, final int offset, final int length)
    {
        final int result = check(buffer, offset, length);
        if (result == RejectReason.NONE)
        {
            acceptLast();
        }
        return result;
    }

    /**
     * Every check of {@link #verify} without marking the sequence as seen, for a receiver that may decline an
     * authentic frame for now (over its rate budget) and must still accept the sender's unchanged retransmission
     * of it later. Call {@link #acceptLast()} once the frame has been taken.
     * <p>
     * A {@link RejectReason#REPLAY} or {@link RejectReason#TOO_OLD} result comes only after the tag was verified,
     * so the frame is authentic: a receiver may answer it (re-acknowledge) but must not apply it.
     */
    public int check(final DirectBuffer buffer, final int offset, final int length)
    {
        lastSender = null;
        if (length < MIN_DATAGRAM_LENGTH || length > MAX_DATAGRAM_LENGTH)
        {
            return RejectReason.BAD_LENGTH;
        }

        header.wrap(buffer, offset);
        if (header.version() != CURRENT_VERSION)
        {
            return RejectReason.BAD_VERSION;
        }
        if (header.frameLength() != length)
        {
            return RejectReason.BAD_LENGTH;
        }

        if (header.receiverId() != nodeId)
        {
            return RejectReason.WRONG_RECEIVER;
        }

        final PeerLink sender = links.get(header.senderId());
        if (null == sender)
        {
            return RejectReason.UNKNOWN_SENDER;
        }

        final HmacSha256Tag tag = sender.receivingTag(header.senderKeyId(), header.receiverKeyId());
        if (null == tag)
        {
            return RejectReason.UNKNOWN_KEY;
        }

        if (!tag.verify(buffer, offset, length - TAG_LENGTH))
        {
            return RejectReason.BAD_TAG;
        }

        final long sequence = header.sequence();
        final int replayState = sender.replayWindow().check(sequence);
        if (replayState != RejectReason.NONE)
        {
            return replayState;
        }

        final int structure = checkStructure(buffer, offset, length);
        if (structure != RejectReason.NONE)
        {
            return structure;
        }

        lastSender = sender;
        lastSequence = sequence;
        return RejectReason.NONE;
    }

    /** Mark the sequence of the datagram that last passed {@link #check} as seen. */
    public void acceptLast()
    {
        if (null != lastSender)
        {
            lastSender.replayWindow().accept(lastSequence);
            lastSender = null;
        }
    }

    private int checkStructure(final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean wellFormed;
        switch (header.type())
        {
            case FrameType.BATCH:
                wellFormed = BatchFrameFlyweight.isWellFormed(buffer, offset, length, record);
                break;

            case FrameType.ACK:
                wellFormed = AckFrameFlyweight.isWellFormed(buffer, offset, length);
                break;

            case FrameType.HEARTBEAT:
                wellFormed = HeartbeatFrameFlyweight.isWellFormed(buffer, offset, length);
                break;

            case FrameType.SYNC:
                wellFormed = SyncFrameFlyweight.isWellFormed(buffer, offset, length, record);
                break;

            case FrameType.SNAPSHOT_REQUEST:
                wellFormed = SnapshotRequestFlyweight.isWellFormed(buffer, offset, length);
                break;

            case FrameType.SNAPSHOT_CHUNK:
                wellFormed = SnapshotChunkFlyweight.isWellFormed(buffer, offset, length, lz4, record);
                break;

            case FrameType.NAK:
                wellFormed = NakFrameFlyweight.isWellFormed(buffer, offset, length);
                break;

            default:
                return RejectReason.BAD_TYPE;
        }

        return wellFormed ? RejectReason.NONE : RejectReason.MALFORMED;
    }
}
