package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import static io.blocksync.codec.FrameHeaderFlyweight.CURRENT_VERSION;
import static io.blocksync.codec.FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;

/**
 * The receive-side gate of a multicast group (docs/PROTOCOL.md, "Multicast"): a GROUP_BATCH is checked before
 * anything reads its body. Order: length and version, type, receiver (0: the group), frame length against count,
 * sender (a configured member, never this node), key id, the sender's group anti-replay window, the sender's Ed25519
 * signature, then the records' structure. Every check before the signature is free (no cryptography), so a replayed
 * or stale group datagram, like an outsider's, costs no signature verification ({@link #signatureChecks()}); state
 * exists only for the members added here: a datagram naming any other sender is refused without allocating. Returns
 * a {@link RejectReason} code (a bad signature is {@link RejectReason#BAD_TAG}) and never throws on bad input. Only
 * {@link #acceptLast()} moves the replay window, so the caller may decline an authentic frame for now. Not thread safe.
 */
public final class GroupVerifier
{
    private final int nodeId;
    private final Int2ObjectHashMap<Member> members = new Int2ObjectHashMap<>();
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final GroupBatchFrameFlyweight frame = new GroupBatchFrameFlyweight();
    private final BanRecordFlyweight record = new BanRecordFlyweight();
    private Member lastSender;
    private long lastSequence;
    private long signatureChecks;

    /** @param nodeId this node's id: its own group datagrams (looped back) are refused as {@link RejectReason#UNKNOWN_SENDER}. */
    public GroupVerifier(final int nodeId)
    {
        this.nodeId = nodeId;
    }

    /**
     * Trust a member's group datagrams under its public keys (current, then next; as configured for the peer).
     *
     * @throws IllegalArgumentException for this node's own id or id 0.
     */
    public GroupVerifier addMember(final int memberId, final PeerKey... keys)
    {
        if (memberId == nodeId || memberId == 0)
        {
            throw new IllegalArgumentException("member id " + memberId + " cannot send to node " + nodeId);
        }
        members.put(memberId, new Member(keys.clone(), new ReplayWindow()));
        return this;
    }

    public boolean isMember(final int memberId)
    {
        return members.containsKey(memberId);
    }

    /** The member's group anti-replay window, or null when it is not a member. */
    public ReplayWindow replayWindow(final int memberId)
    {
        final Member member = members.get(memberId);
        return null == member ? null : member.window;
    }

    /**
     * @return {@link RejectReason#NONE} when the datagram is an authentic, fresh, well-formed GROUP_BATCH of a member.
     */
    public int check(final DirectBuffer buffer, final int offset, final int length)
    {
        lastSender = null;
        if (length < GroupBatchFrameFlyweight.frameLength(1) || length > MAX_DATAGRAM_LENGTH)
        {
            return RejectReason.BAD_LENGTH;
        }
        header.wrap(buffer, offset);
        if (header.version() != CURRENT_VERSION)
        {
            return RejectReason.BAD_VERSION;
        }
        if (header.frameLength() != length || !GroupBatchFrameFlyweight.hasConsistentLength(buffer, offset, length))
        {
            return RejectReason.BAD_LENGTH;
        }
        if (header.type() != FrameType.GROUP_BATCH)
        {
            return RejectReason.BAD_TYPE;
        }
        if (header.receiverId() != 0 || header.receiverKeyId() != 0)
        {
            return RejectReason.WRONG_RECEIVER;
        }
        final Member sender = members.get(header.senderId());
        if (null == sender)
        {
            return RejectReason.UNKNOWN_SENDER;
        }
        final PeerKey key = sender.key(header.senderKeyId());
        if (null == key)
        {
            return RejectReason.UNKNOWN_KEY;
        }
        // The window is only read here; it moves in acceptLast, so a forgery under a fresh sequence moves nothing.
        final long sequence = header.sequence();
        final int replayState = sender.window.check(sequence);
        if (replayState != RejectReason.NONE)
        {
            return replayState;
        }
        signatureChecks++;
        if (!frame.wrap(buffer, offset).verifySignature(key))
        {
            return RejectReason.BAD_TAG;
        }
        if (!GroupBatchFrameFlyweight.isWellFormed(buffer, offset, length, record))
        {
            return RejectReason.MALFORMED;
        }
        lastSender = sender;
        lastSequence = sequence;
        return RejectReason.NONE;
    }

    /** Ed25519 verifications made so far: one per datagram that passed every free check. */
    public long signatureChecks()
    {
        return signatureChecks;
    }

    /** Mark the packet sequence of the datagram that last passed {@link #check} as seen. */
    public void acceptLast()
    {
        if (null != lastSender)
        {
            lastSender.window.accept(lastSequence);
            lastSender = null;
        }
    }

    private static final class Member
    {
        private final PeerKey[] keys;
        private final ReplayWindow window;

        Member(final PeerKey[] keys, final ReplayWindow window)
        {
            this.keys = keys;
            this.window = window;
        }

        PeerKey key(final int keyId)
        {
            for (final PeerKey key : keys)
            {
                if (key.keyId() == keyId)
                {
                    return key;
                }
            }
            return null;
        }
    }
}
