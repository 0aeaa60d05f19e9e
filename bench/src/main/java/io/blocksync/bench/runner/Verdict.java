package io.blocksync.bench.runner;

import io.blocksync.codec.BatchFrameFlyweight;

import java.util.Locale;

/**
 * The operator's answer: "this box can serve N peers at M bans/s with p99 X ms", from per-ban CPU costs on the node's
 * loop thread (the single thread every ban goes through), measured by the in-process cluster and the micro section:
 * <ul>
 *   <li>budget B = {@value #LOOP_BUDGET} of one core for the loop, leaving the rest to the firewall worker, the
 *   kernel's packet filter and bursts;</li>
 *   <li>c_r = a peer's loop CPU per ban received, verified, stored and handed to the firewall
 *   ({@code cluster_peer_cpu_per_ban}); c_o = the origin's loop CPU per ban sent to 4 peers
 *   ({@code cluster_origin_cpu_per_ban}); c_p = the CPU per ban of each further peer, a datagram's re-seal divided by
 *   its records ({@code seal_per_peer} / {@link BatchFrameFlyweight#MAX_RECORDS}), or c_o / 4 without the micro section; c_s = c_o - 4 c_p, the origin's
 *   own per-ban work (decision, Ed25519 signature, store);</li>
 *   <li>M = B / (c_r + c_p), rounded down to two significant digits: with origins spread over the fleet, every box
 *   receives every ban once and sends, on average, one copy per ban: the fleet-wide rate this box keeps up with;</li>
 *   <li>N = floor((B / R - c_s) / c_p), between 1 and {@value #MAX_PEERS}, with R = {@value #ORIGIN_REFERENCE_RATE}
 *   bans/s: the most peers this box can push a heavy attack it alone detects (R new bans every second) to;</li>
 *   <li>X = the p99 of a lone ban from the origin's decision to all 4 peers' stores ({@code cluster_latency_p99}).</li>
 * </ul>
 *
 * @param peers         N.
 * @param bansPerSecond M.
 * @param p99Millis     X.
 * @param text          the sentence.
 */
public record Verdict(int peers, long bansPerSecond, double p99Millis, String text)
{
    /** Share of one core the node's loop may use. */
    public static final double LOOP_BUDGET = 0.5;
    /** Bans/s of an attack that this box alone detects and must send to every peer. */
    public static final int ORIGIN_REFERENCE_RATE = 100;
    /** A cap on N: beyond it heartbeats and per-peer state, not CPU per ban, bound a fleet (issue 13). */
    public static final int MAX_PEERS = 1000;
    /** Records in a full datagram, over which {@code seal_per_peer} is spread (the micro section seals a full one). */
    public static final int RECORDS_PER_DATAGRAM = BatchFrameFlyweight.MAX_RECORDS;

    /**
     * @param receiveMicros c_r, µs (> 0).
     * @param originMicros  c_o, µs (> 0).
     * @param perPeerMicros c_p, µs (> 0).
     * @param p99Millis     lone-ban latency p99, ms.
     * @return the verdict.
     * @throws IllegalArgumentException if a cost is not positive.
     */
    public static Verdict of(final double receiveMicros, final double originMicros, final double perPeerMicros, final double p99Millis)
    {
        if (!(receiveMicros > 0) || !(originMicros > 0) || !(perPeerMicros > 0))
        {
            throw new IllegalArgumentException("costs must be positive: receive " + receiveMicros + " us, origin " +
                originMicros + " us, per peer " + perPeerMicros + " us");
        }
        final double budgetMicros = LOOP_BUDGET * 1e6;
        final long bansPerSecond = roundDownTwoDigits(budgetMicros / (receiveMicros + perPeerMicros));
        final double ownWork = Math.max(0, originMicros - 4 * perPeerMicros);
        final double fanOut = Math.floor((budgetMicros / ORIGIN_REFERENCE_RATE - ownWork) / perPeerMicros);
        final int peers = (int)Math.max(1, Math.min(MAX_PEERS, fanOut));
        final String text = String.format(Locale.ROOT, "this box can serve %d peers at %,d bans/s with p99 %.1f ms",
            peers, bansPerSecond, p99Millis);
        return new Verdict(peers, bansPerSecond, p99Millis, text);
    }
    /** @return {@code value} rounded down to its two leading digits: 123,456 → 120,000; 87.9 → 87. */
    static long roundDownTwoDigits(final double value)
    {
        if (value < 100)
        {
            return (long)Math.floor(value);
        }
        final double scale = Math.pow(10, Math.floor(Math.log10(value)) - 1);
        return (long)(Math.floor(value / scale) * scale);
    }
}
