package io.blocksync.bench;

/**
 * One SYN's journey in {@link EndToEndLatencyRun}; times in epoch nanoseconds, null where not observed.
 */
final class LatencySample
{
    final String address;
    final boolean v6;
    final long sentNanos;
    Long synNanos;
    Long batchNanos;
    Long appliedNanos;

    /**
     * @param address   the attacker's source address for this sample, used once.
     * @param v6        true for an IPv6 source.
     * @param sentNanos when the attacker called {@code connect()}.
     */
    LatencySample(final String address, final boolean v6, final long sentNanos)
    {
        this.address = address;
        this.v6 = v6;
        this.sentNanos = sentNanos;
    }
}
