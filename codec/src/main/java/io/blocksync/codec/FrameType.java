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
    /** A joining node asks one peer for a snapshot of one origin's records, and acknowledges its chunks. */
    public static final int SNAPSHOT_REQUEST = 5;
    /** One LZ4-compressed chunk of a snapshot: an origin's records in a stated sequence range. */
    public static final int SNAPSHOT_CHUNK = 6;
    /** Multicast: the sender's own decisions to every member of its group, Ed25519-signed instead of link-tagged. */
    public static final int GROUP_BATCH = 7;
    /** Unicast, link-tagged: a group member asks the group sender to multicast again the group batches it lacks. */
    public static final int NAK = 8;

    private FrameType()
    {
    }

    /** Whether the type is one of this version's unicast, link-tagged frames (GROUP_BATCH travels on the group only). */
    public static boolean isKnown(final int type)
    {
        return (type >= BATCH && type <= SNAPSHOT_CHUNK) || type == NAK;
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
            case SNAPSHOT_REQUEST:
                return "SNAPSHOT_REQUEST";
            case SNAPSHOT_CHUNK:
                return "SNAPSHOT_CHUNK";
            case GROUP_BATCH:
                return "GROUP_BATCH";
            case NAK:
                return "NAK";
            default:
                return "UNKNOWN(" + type + ")";
        }
    }
}
