package io.blocksync.firewall;

/**
 * A slice {@code [from, to)} of the batch in hand and how often it has been tried; a failing slice is split in halves
 * to isolate the change the backend rejects.
 */
final class BatchRange
{
    final int from;
    final int to;
    int attempts;

    BatchRange(final int from, final int to, final int attempts)
    {
        this.from = from;
        this.to = to;
        this.attempts = attempts;
    }
}
