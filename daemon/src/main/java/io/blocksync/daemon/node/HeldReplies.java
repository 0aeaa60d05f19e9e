package io.blocksync.daemon.node;

/**
 * Operator requests whose decisions are all taken, waiting on the loop for their decisions to be signed and stored
 * ({@link LocalDecisions#isStored(long)}) and then for the sync that makes them durable before their waiters are
 * released (and the control socket answers {@code ok}). A fixed ring, in order of tickets and points, so releasing
 * stops at the first request not yet durable; when it is full the loop takes no new request until a sync frees
 * room. Loop thread only; allocates nothing.
 */
final class HeldReplies
{
    private static final long UNMARKED = -1;

    private final LocalRequest[] requests;
    private final long[] tickets;
    private final long[] points;
    private final GroupCommit commit;
    private final LocalDecisions decisions;
    private long head;
    private long tail;

    /**
     * @param capacity requests held at once, at least 1; each control connection has at most one in flight.
     * @param commit    the source of points and of what is durable.
     * @param decisions what says whether a request's decisions are stored.
     */
    HeldReplies(final int capacity, final GroupCommit commit, final LocalDecisions decisions)
    {
        requests = new LocalRequest[capacity];
        tickets = new long[capacity];
        points = new long[capacity];
        this.commit = commit;
        this.decisions = decisions;
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
     * Hold a request all of whose items are decided, until its decisions are stored and what the loop changed up to
     * then is durable.
     *
     * @param ticket {@link LocalDecisions#taken()} after the request's last decision.
     * @return false when full: try again after {@link #release()} freed room.
     */
    boolean hold(final LocalRequest request, final long ticket)
    {
        if (isFull())
        {
            return false;
        }
        final int index = (int)(tail % requests.length);
        requests[index] = request;
        tickets[index] = ticket;
        points[index] = decisions.isStored(ticket) ? commit.mark() : UNMARKED;
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
            if (points[index] == UNMARKED)
            {
                if (!decisions.isStored(tickets[index]))
                {
                    break;
                }
                // Stored since: the point covers the store's change.
                points[index] = commit.mark();
            }
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
