package io.blocksync.codec;

/**
 * Frame type codes carried in the header's type byte.
 */
public final class FrameType
{
    /** Ban and unban records in the sender's reliable stream. */
    public static final int BATCH = 1;
    /** Cumulative and selective acknowledgement of another node's stream. */
    public static final int ACK = 2;
    /** Liveness, stream bounds and per-origin high-water marks. */
    public static final int HEARTBEAT = 3;
    /** Anti-entropy catch-up: one origin's records in a stated sequence range, to one lagging peer. */
    public static final int SYNC = 4;

    private FrameType()
    {
    }

    public static boolean isKnown(final int type)
    {
        return type >= BATCH && type <= SYNC;
    }

    public static String name(final int type)
    {
        switch (type)
        {
            case BATCH:
                return "BATCH";
            case ACK:
                return "ACK";
            case HEARTBEAT:
                return "HEARTBEAT";
            case SYNC:
                return "SYNC";
            default:
                return "UNKNOWN(" + type + ")";
        }
    }
}
