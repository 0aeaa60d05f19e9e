package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;

/**
 * One element of an {@link NftSetModel}: a prefix, when it ends, and whether the kernel holds it (an inner prefix of
 * an interval set waits outside until its container is lifted).
 */
final class NftElement
{
    /**
     * How an element stood before the batch being written, so a failed transaction can be rolled back.
     */
    static final class Before
    {
        /** The model held the element before the batch (false: the batch created it). */
        final boolean existed;
        final boolean inKernel;
        final long deadlineMs;

        Before(final boolean existed, final boolean inKernel, final long deadlineMs)
        {
            this.existed = existed;
            this.inKernel = inKernel;
            this.deadlineMs = deadlineMs;
        }
    }

    final IpPrefix prefix;
    long deadlineMs;
    boolean inKernel;

    NftElement(final IpPrefix prefix, final long deadlineMs)
    {
        this.prefix = prefix;
        this.deadlineMs = deadlineMs;
    }

    /**
     * nft parses a bare seconds count into a 32-bit millisecond field, so large values must be split into units.
     */
    static void appendDuration(final StringBuilder out, final long seconds)
    {
        final long days = seconds / 86_400;
        final long hours = seconds / 3_600 % 24;
        final long minutes = seconds / 60 % 60;
        final long secs = seconds % 60;
        if (days > 0)
        {
            out.append(days).append('d');
        }
        if (hours > 0)
        {
            out.append(hours).append('h');
        }
        if (minutes > 0)
        {
            out.append(minutes).append('m');
        }
        if (secs > 0 || 0 == seconds)
        {
            out.append(secs).append('s');
        }
    }

}
