package io.blocksync.bench.runner;

/**
 * One measured figure of a bench run.
 *
 * @param key         stable JSON key, e.g. {@code seal_datagram}; never renamed (see PERFORMANCE.md, "Bench runner").
 * @param value       the measurement in {@code unit}.
 * @param unit        {@code ns}, {@code us}, {@code ms}, {@code s}, {@code bans/s}, {@code elements/s}, {@code %},
 *                    {@code MiB} or {@code us/ban}.
 * @param higherBetter true for a rate, false for a time or a cost: how {@code --compare} reads a ratio.
 * @param label       what was measured, for the report.
 */
public record Figure(String key, double value, String unit, boolean higherBetter, String label)
{
}
