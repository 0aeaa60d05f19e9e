package io.blocksync.codec;

/**
 * Why {@link FrameVerifier} refused a datagram. Plain int codes so that the receive path can count them in an
 * array without allocating; {@link #NONE} means accepted.
 */
public final class RejectReason
{
    public static final int NONE = 0;
    /** Shorter than a header and tag, longer than {@link FrameHeaderFlyweight#MAX_DATAGRAM_LENGTH}, or not the length the header says. */
    public static final int BAD_LENGTH = 1;
    public static final int BAD_VERSION = 2;
    /** No keys are configured for the header's sender id. */
    public static final int UNKNOWN_SENDER = 3;
    /** The sender is known but the header names a sender key or receiver key id that is not configured. */
    public static final int UNKNOWN_KEY = 4;
    /** Not produced since protocol 2 (a key that is no longer configured is {@link #UNKNOWN_KEY}); kept so counter names stay stable. */
    public static final int RETIRED_KEY = 5;
    public static final int BAD_TAG = 6;
    /** Authentic, but this packet sequence was already accepted. */
    public static final int REPLAY = 7;
    /** Authentic, but the packet sequence is left of the anti-replay window (or not positive). */
    public static final int TOO_OLD = 8;
    /** Authentic, but of a frame type this version does not know. */
    public static final int BAD_TYPE = 9;
    /** Authentic, but the body does not match its type's layout (count, length, record fields). */
    public static final int MALFORMED = 10;
    /** The header's receiver id is not this node: a peer's address in some config points at the wrong node. */
    public static final int WRONG_RECEIVER = 11;

    public static final int COUNT = 12;

    private static final String[] NAMES =
    {
        "none", "bad_length", "bad_version", "unknown_sender", "unknown_key", "retired_key", "bad_tag", "replay",
        "too_old", "bad_type", "malformed", "wrong_receiver"
    };

    private RejectReason()
    {
    }

    /** Lower-case name, used as a counter and metric label. */
    public static String name(final int reason)
    {
        return reason >= 0 && reason < COUNT ? NAMES[reason] : "unknown(" + reason + ")";
    }
}
