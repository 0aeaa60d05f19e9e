package io.blocksync.bench.runner;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --compare FILE}: this run's figures against another machine's {@code --json} result. For every figure both
 * hold, the ratio is how many times better this machine did: this / other for a rate, other / this for a time or a
 * cost, so above 1 always means "this box is faster".
 *
 * @param file   the other result.
 * @param ratios figure key to ratio, in this run's order.
 * @param other  the other machine's CPU model and JVM, for the header.
 */
public record Comparison(Path file, Map<String, Double> ratios, String other)
{
    /**
     * @param report this run.
     * @param file   another run's {@code --json} output.
     * @return the ratios.
     * @throws IllegalArgumentException with a one-line reason if the file cannot be read or is not such a result.
     */
    public static Comparison of(final BenchReport report, final Path file)
    {
        final Map<String, Object> figures = otherFigures(file);
        final Map<String, Double> ratios = new LinkedHashMap<>();
        for (final Figure figure : report.figures())
        {
            if (figures.get(figure.key()) instanceof Map<?, ?> other && other.get("value") instanceof Double value &&
                value > 0 && figure.value() > 0)
            {
                ratios.put(figure.key(), figure.higherBetter() ? figure.value() / value : value / figure.value());
            }
        }
        return new Comparison(file, ratios, describe(file));
    }

    /**
     * @param file a {@code --json} result.
     * @return its {@code figures} object.
     * @throws IllegalArgumentException with a one-line reason if it cannot be read or is not a bench result.
     */
    static Map<String, Object> otherFigures(final Path file)
    {
        final Map<String, Object> root = read(file);
        if (!(root.get("figures") instanceof Map<?, ?> figures))
        {
            throw new IllegalArgumentException("--compare " + file + ": no \"figures\" object");
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> typed = (Map<String, Object>)figures;
        return typed;
    }

    private static String describe(final Path file)
    {
        if (read(file).get("machine") instanceof Map<?, ?> machine)
        {
            return machine.get("cpu_model") + ", " + machine.get("jvm") + ", " + asBits(machine.get("jvm_bits")) + "-bit";
        }
        return "unknown machine";
    }

    private static String asBits(final Object bits)
    {
        return bits instanceof Double number ? Long.toString(number.longValue()) : String.valueOf(bits);
    }

    private static Map<String, Object> read(final Path file)
    {
        final Object parsed;
        try
        {
            parsed = JsonText.parse(Files.readString(file));
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("--compare " + file + ": cannot read it (" + ex.getMessage() + ")");
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--compare " + file + ": " + ex.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map) || !BenchReport.FORMAT.equals(map.get("format")))
        {
            throw new IllegalArgumentException("--compare " + file + ": not a blocksync bench --json result (no \"format\": \"" +
                BenchReport.FORMAT + "\")");
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> typed = (Map<String, Object>)map;
        return typed;
    }

    /** @return one line per ratio, for the text report. */
    public String toText()
    {
        final StringBuilder out = new StringBuilder("compared with " + file + " (" + other + "), times better here:\n");
        if (ratios.isEmpty())
        {
            out.append("  no figure in common (a --cpu-cap result compares only with another; --only leaves sections out)\n");
        }
        // Three significant digits: a figure hundreds of times worse must not print as 0.00x.
        ratios.forEach((key, ratio) -> out.append(String.format(Locale.ROOT, "  %-36s %9sx%n", key, threeDigits(ratio))));
        return out.toString();
    }

    /** @return {@code {"file": ..., "machine": ..., "ratios": {KEY: RATIO, ...}}}. */
    public String toJson()
    {
        final StringBuilder out = new StringBuilder("{\"file\": ").append(JsonText.quote(file.toString()))
            .append(", \"machine\": ").append(JsonText.quote(other)).append(", \"ratios\": {");
        String separator = "";
        for (final Map.Entry<String, Double> entry : ratios.entrySet())
        {
            out.append(separator).append(JsonText.quote(entry.getKey())).append(": ").append(JsonText.number(entry.getValue()));
            separator = ", ";
        }
        return out.append("}}").toString();
    }

    /** @return the ratio to three significant digits, without an exponent: 0.00271, 0.5, 12.3, 1230. */
    static String threeDigits(final double ratio)
    {
        if (!Double.isFinite(ratio) || 0 == ratio)
        {
            return String.valueOf(ratio);
        }
        return new BigDecimal(ratio).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
