package io.blocksync.daemon.node;

/**
 * Operator requests whose decisions are all taken, waiting on the loop for the sync that makes them durable before
 * their waiters are released (and the control socket answers {@code ok}). A fixed ring, in order of points, so
 * releasing stops at the first request not yet durable; when it is full the loop takes no new request until a sync
 * frees room. Loop thread only; allocates nothing.
 */
final class HeldReplies
{
    private final LocalRequest[] requests;
    private final long[] points;
    private final GroupCommit commit;
    private long head;
    private long tail;

    /**
     * @param capacity requests held at once, at least 1; each control connection has at most one in flight.
     * @param commit   the source of points and of what is durable.
     */
    HeldReplies(final int capacity, final GroupCommit commit)
    {
        requests = new LocalRequest[capacity];
        points = new long[capacity];
        this.commit = commit;
    }

    boolean isFull()
    {
        return tail - head == requests.length;
    }

    boolean isEmpty()
    {
        return tail == head;
    }

    /**
     * Hold a request all of whose items are decided, until what the loop has changed so far is durable.
     *
     * @return false when full: try again after {@link #release()} freed room.
     */
    boolean hold(final LocalRequest request)
    {
        if (isFull())
        {
            return false;
        }
        final int index = (int)(tail % requests.length);
        requests[index] = request;
        points[index] = commit.mark();
        tail++;
        return true;
    }

    /** @return requests released because the sync covering them completed. */
    int release()
    {
        int released = 0;
        while (head < tail)
        {
            final int index = (int)(head % requests.length);
            if (!commit.isDurable(points[index]))
            {
                break;
            }
            final LocalRequest request = requests[index];
            requests[index] = null;
            head++;
            request.release();
            released++;
        }
        return released;
    }
}
