package io.blocksync.codec;

import org.agrona.MutableDirectBuffer;

/**
 * One configured peer as this node sees it: the HMAC keys of the link in both directions ({@link LinkKeys}), the
 * peer's public keys (which also verify the records it signed as their origin), and the anti-replay window of what
 * it sent. Key rotation without a flag day: each side may hold a current and a next key; every combination is
 * accepted on receipt, and a node sends with its current key, addressed to the peer's next key when one is
 * configured (the peer holds it before anyone is told of it), else to its current one.
 * Not thread safe.
 */
public final class PeerLink
{
    private final int nodeId;
    private final int peerId;
    private final PeerKey[] peerKeys;
    private final ReplayWindow replayWindow;
    private final HmacSha256Tag sendingTag;
    private final int sendingReceiverKeyId;
    private final int[] receivingSenderKeyIds;
    private final int[] receivingReceiverKeyIds;
    private final HmacSha256Tag[] receivingTags;
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();

    /**
     * @param nodeId       this node's id.
     * @param ownKeys      this node's keys; {@code ownKeys[0]} is the one it sends with, the others (its next key)
     *                     are accepted on receipt too.
     * @param peerId       the peer's node id, not this node's.
     * @param peerKeys     the peer's public keys, at least one; its current first, then its next if configured.
     * @param replayWindow where the peer's packet sequences are remembered (persisted by the owner).
     * @throws IllegalArgumentException for no keys, a repeated key id, or a peer key that gives no agreement.
     */
    public PeerLink(
        final int nodeId,
        final NodeKey[] ownKeys,
        final int peerId,
        final PeerKey[] peerKeys,
        final ReplayWindow replayWindow)
    {
        this(nodeId, ownKeys, peerId, peerKeys, replayWindow, null);
    }

    /**
     * As {@link #PeerLink(int, NodeKey[], int, PeerKey[], ReplayWindow)}, with the link's MACs computed by
     * {@code macEngine}.
     *
     * @param macEngine computes every {@link HmacSha256Tag} of the link; null: BouncyCastle.
     */
    public PeerLink(
        final int nodeId,
        final NodeKey[] ownKeys,
        final int peerId,
        final PeerKey[] peerKeys,
        final ReplayWindow replayWindow,
        final HmacSha256Tag.Engine macEngine)
    {
        if (ownKeys.length == 0 || peerKeys.length == 0)
        {
            throw new IllegalArgumentException("a link needs a key on each side");
        }
        if (peerId == 0 || peerId == nodeId)
        {
            throw new IllegalArgumentException("peer id " + peerId + " is reserved or this node's own");
        }
        checkDistinct(ownKeys.length, i -> ownKeys[i].keyId());
        checkDistinct(peerKeys.length, i -> peerKeys[i].keyId());
        this.nodeId = nodeId;
        this.peerId = peerId;
        this.peerKeys = peerKeys.clone();
        this.replayWindow = replayWindow;

        final PeerKey addressed = peerKeys[peerKeys.length - 1];
        sendingReceiverKeyId = addressed.keyId();
        sendingTag = new HmacSha256Tag(LinkKeys.sending(nodeId, ownKeys[0], peerId, addressed), macEngine);

        final int combinations = ownKeys.length * peerKeys.length;
        receivingSenderKeyIds = new int[combinations];
        receivingReceiverKeyIds = new int[combinations];
        receivingTags = new HmacSha256Tag[combinations];
        int i = 0;
        for (final NodeKey own : ownKeys)
        {
            for (final PeerKey peer : peerKeys)
            {
                receivingSenderKeyIds[i] = peer.keyId();
                receivingReceiverKeyIds[i] = own.keyId();
                receivingTags[i] = new HmacSha256Tag(LinkKeys.receiving(nodeId, own, peerId, peer), macEngine);
                i++;
            }
        }
    }

    public int peerId()
    {
        return peerId;
    }

    public ReplayWindow replayWindow()
    {
        return replayWindow;
    }

    /** The peer's public key with this id, or null when none is configured; verifies records it originated. */
    public PeerKey peerKey(final int keyId)
    {
        for (final PeerKey key : peerKeys)
        {
            if (key.keyId() == keyId)
            {
                return key;
            }
        }
        return null;
    }

    /** The engine every MAC of this link is computed with; null for BouncyCastle. */
    public HmacSha256Tag.Engine macEngine()
    {
        return sendingTag.engine();
    }

    /** The id of the peer's key this node's datagrams are addressed to. */
    public int sendingReceiverKeyId()
    {
        return sendingReceiverKeyId;
    }

    /**
     * Make this peer's copy of a frame stamped by {@link FrameSigner}: write the receiver id and key id, then the tag
     * over everything before it. Calling it again on the same frame for the same peer gives the same bytes.
     *
     * @param frameLength the stamped frame length, tag included.
     */
    public void seal(final MutableDirectBuffer buffer, final int offset, final int frameLength)
    {
        header.wrap(buffer, offset).receiverId(peerId).receiverKeyId(sendingReceiverKeyId);
        sendingTag.sign(buffer, offset, frameLength - FrameHeaderFlyweight.TAG_LENGTH);
    }

    /** The tag that checks datagrams from this peer made with its key {@code senderKeyId} for ours {@code receiverKeyId}. */
    HmacSha256Tag receivingTag(final int senderKeyId, final int receiverKeyId)
    {
        for (int i = 0; i < receivingTags.length; i++)
        {
            if (receivingSenderKeyIds[i] == senderKeyId && receivingReceiverKeyIds[i] == receiverKeyId)
            {
                return receivingTags[i];
            }
        }
        return null;
    }

    int nodeId()
    {
        return nodeId;
    }

    private static void checkDistinct(final int count, final java.util.function.IntUnaryOperator keyIdAt)
    {
        for (int i = 0; i < count; i++)
        {
            for (int j = i + 1; j < count; j++)
            {
                if (keyIdAt.applyAsInt(i) == keyIdAt.applyAsInt(j))
                {
                    throw new IllegalArgumentException("key id " + keyIdAt.applyAsInt(i) + " is given twice");
                }
            }
        }
    }
}
