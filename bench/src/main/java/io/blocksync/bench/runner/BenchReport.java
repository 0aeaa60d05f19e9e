package io.blocksync.bench.runner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a bench run found: the machine, every figure in the order measured, the sections skipped and why, and the
 * verdict. Written as text for a person or as one JSON object ({@link #toJson()}), whose keys are stable:
 * <pre>
 * {"format": "blocksync-bench/1", "mode": "quick"|"full"|"cpu-cap", "elapsed_s": 41.2,
 *  "machine": {"cpu_model": ..., "cpu_mhz": ..., "cores": ..., "memory_mib": ..., "jvm": ..., "jvm_bits": 32|64,
 *              "jvm_flags": ..., "os": ..., "load_average_start": "1.0 0.9 0.8", "load_average_end": ...},
 *  "figures": {"KEY": {"value": 1.5, "unit": "us", "higher_better": false, "label": ...}, ...},
 *  "skipped": {"SECTION": "reason", ...},
 *  "verdict": {"peers": N, "bans_per_s": M, "p99_ms": X, "text": "this box can serve ..."},
 *  "compare": {"file": ..., "machine": ..., "ratios": {"KEY": 1.8, ...}}}
 * </pre>
 * {@code verdict} is null when the cluster section did not run; {@code compare} is present only with
 * {@code --compare} (see {@link Comparison} for what a ratio means).
 */
public final class BenchReport
{
    public static final String FORMAT = "blocksync-bench/1";

    private final String mode;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private Verdict verdict;
    private Comparison comparison;
    private double elapsedSeconds;

    /** @param mode {@code quick}, {@code full} or {@code cpu-cap}. */
    public BenchReport(final String mode)
    {
        this.mode = mode;
    }

    public String mode()
    {
        return mode;
    }

    /** @param value a String or a Number. */
    public BenchReport machine(final String key, final Object value)
    {
        machine.put(key, value);
        return this;
    }

    public Map<String, Object> machine()
    {
        return Collections.unmodifiableMap(machine);
    }

    public BenchReport add(final Figure figure)
    {
        figures.put(figure.key(), figure);
        return this;
    }

    /** Shorthand for {@link #add(Figure)}. */
    public BenchReport add(final String key, final double value, final String unit, final boolean higherBetter, final String label)
    {
        return add(new Figure(key, value, unit, higherBetter, label));
    }

    /** @return the figure, or null if it was not measured. */
    public Figure figure(final String key)
    {
        return figures.get(key);
    }

    public List<Figure> figures()
    {
        return new ArrayList<>(figures.values());
    }

    public BenchReport skip(final String section, final String reason)
    {
        skipped.put(section, reason);
        return this;
    }

    public Map<String, String> skipped()
    {
        return Collections.unmodifiableMap(skipped);
    }

    public BenchReport verdict(final Verdict verdict)
    {
        this.verdict = verdict;
        return this;
    }

    public Verdict verdict()
    {
        return verdict;
    }

    public BenchReport comparison(final Comparison comparison)
    {
        this.comparison = comparison;
        return this;
    }

    public BenchReport elapsedSeconds(final double seconds)
    {
        this.elapsedSeconds = seconds;
        return this;
    }

    /** @return the report as one JSON object, keys as in the class comment. */
    public String toJson()
    {
        final StringBuilder out = new StringBuilder(4096);
        out.append("{\n  \"format\": ").append(JsonText.quote(FORMAT))
            .append(",\n  \"mode\": ").append(JsonText.quote(mode))
            .append(",\n  \"elapsed_s\": ").append(JsonText.number(elapsedSeconds))
            .append(",\n  \"machine\": {");
        String separator = "\n    ";
        for (final Map.Entry<String, Object> entry : machine.entrySet())
        {
            out.append(separator).append(JsonText.quote(entry.getKey())).append(": ").append(JsonText.value(entry.getValue()));
            separator = ",\n    ";
        }
        out.append("\n  },\n  \"figures\": {");
        separator = "\n    ";
        for (final Figure figure : figures.values())
        {
            out.append(separator).append(JsonText.quote(figure.key())).append(": {\"value\": ").append(JsonText.number(figure.value()))
                .append(", \"unit\": ").append(JsonText.quote(figure.unit()))
                .append(", \"higher_better\": ").append(figure.higherBetter())
                .append(", \"label\": ").append(JsonText.quote(figure.label())).append('}');
            separator = ",\n    ";
        }
        out.append("\n  },\n  \"skipped\": {");
        separator = "\n    ";
        for (final Map.Entry<String, String> entry : skipped.entrySet())
        {
            out.append(separator).append(JsonText.quote(entry.getKey())).append(": ").append(JsonText.quote(entry.getValue()));
            separator = ",\n    ";
        }
        out.append("\n  },\n  \"verdict\": ");
        if (null == verdict)
        {
            out.append("null");
        }
        else
        {
            out.append("{\"peers\": ").append(verdict.peers())
                .append(", \"bans_per_s\": ").append(verdict.bansPerSecond())
                .append(", \"p99_ms\": ").append(JsonText.number(verdict.p99Millis()))
                .append(", \"text\": ").append(JsonText.quote(verdict.text())).append('}');
        }
        if (null != comparison)
        {
            out.append(",\n  \"compare\": ").append(comparison.toJson());
        }
        return out.append("\n}\n").toString();
    }

    /** @return the report for a person: the machine, one line per figure with its unit, skips, the verdict. */
    public String toText()
    {
        final StringBuilder out = new StringBuilder(4096);
        out.append("machine:\n");
        for (final Map.Entry<String, Object> entry : machine.entrySet())
        {
            out.append(String.format(Locale.ROOT, "  %-20s %s%n", entry.getKey(), entry.getValue()));
        }
        out.append("figures:\n");
        for (final Figure figure : figures.values())
        {
            out.append(String.format(Locale.ROOT, "  %-28s %12s %-10s %s%n", figure.key(), JsonText.readable(figure.value()),
                figure.unit(), figure.label()));
        }
        for (final Map.Entry<String, String> entry : skipped.entrySet())
        {
            out.append(String.format(Locale.ROOT, "skipped %s: %s%n", entry.getKey(), entry.getValue()));
        }
        out.append(String.format(Locale.ROOT, "elapsed %.1f s%n", elapsedSeconds));
        if (null != verdict)
        {
            out.append("verdict: ").append(verdict.text()).append('\n');
        }
        if (null != comparison)
        {
            out.append(comparison.toText());
        }
        return out.toString();
    }
}
