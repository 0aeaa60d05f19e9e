package io.blocksync.codec;

/**
 * What a receiver knows about one trusted sender: its keys by key id and its anti-replay window.
 * Key rotation: add the new key id, let senders switch, then {@link #retire(int)} the old one.
 */
public final class SenderKeys
{
    public static final int MAX_KEY_ID = 255;

    private final int senderId;
    private final HmacSha256Tag[] tags = new HmacSha256Tag[MAX_KEY_ID + 1];
    private final boolean[] retired = new boolean[MAX_KEY_ID + 1];
    private final ReplayWindow replayWindow;

    /** A sender whose replay window is on the heap: empty at every start (tests, tools). */
    public SenderKeys(final int senderId)
    {
        this(senderId, new ReplayWindow());
    }

    /**
     * @param replayWindow the window to check this sender's packet sequences against, e.g. one over a file that
     *                     survives restarts.
     */
    public SenderKeys(final int senderId, final ReplayWindow replayWindow)
    {
        if (senderId == 0)
        {
            throw new IllegalArgumentException("sender id 0 is reserved");
        }
        this.senderId = senderId;
        this.replayWindow = replayWindow;
    }

    public int senderId()
    {
        return senderId;
    }

    public SenderKeys addKey(final int keyId, final byte[] key)
    {
        checkKeyId(keyId);
        tags[keyId] = new HmacSha256Tag(key);
        retired[keyId] = false;
        return this;
    }

    public SenderKeys retire(final int keyId)
    {
        checkKeyId(keyId);
        retired[keyId] = true;
        return this;
    }

    public ReplayWindow replayWindow()
    {
        return replayWindow;
    }

    /**
     * @return {@link RejectReason#NONE} when the key exists and is current, otherwise why not.
     */
    int keyState(final int keyId)
    {
        if (retired[keyId])
        {
            return RejectReason.RETIRED_KEY;
        }
        return null == tags[keyId] ? RejectReason.UNKNOWN_KEY : RejectReason.NONE;
    }

    HmacSha256Tag tag(final int keyId)
    {
        return tags[keyId];
    }

    private static void checkKeyId(final int keyId)
    {
        if (keyId < 0 || keyId > MAX_KEY_ID)
        {
            throw new IllegalArgumentException("key id " + keyId + " is outside 0-" + MAX_KEY_ID);
        }
    }
}
