package io.blocksync.daemon.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats,
 * "Text format details"): the official Java client has no parser, so this one refuses anything the format does not
 * allow, with the line number: a sample without or outside its family's TYPE, a TYPE given twice, an unknown type, a bad
 * metric or label name, an unescaped label value, a value that is not a float, a family split in two, a duplicate
 * series; and for histograms, {@code le} buckets that are not cumulative, and a {@code +Inf} bucket that is not
 * {@code _count}.
 */
final class PrometheusText
{
    record Sample(String name, Map<String, String> labels, double value)
    {
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP_OR_TYPE = Pattern.compile("# (HELP|TYPE) (\\S+)(?: (.*))?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    final Map<String, String> types = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(final String text)
    {
        final PrometheusText parsed = new PrometheusText();
        parsed.read(text);
        parsed.checkHistograms();
        return parsed;
    }

    /** @return the value of the one sample with this name and these labels (a subset of its labels), or null. */
    Double value(final String name, final Map<String, String> labels)
    {
        Double found = null;
        for (final Sample sample : samples)
        {
            if (sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
            {
                if (null != found)
                {
                    throw new AssertionError("more than one " + name + labels);
                }
                found = sample.value();
            }
        }
        return found;
    }

    private void read(final String text)
    {
        if (!text.isEmpty() && !text.endsWith("\n"))
        {
            throw new AssertionError("the last line must end with a line feed");
        }
        final Set<String> closedFamilies = new HashSet<>();
        final Set<String> series = new HashSet<>();
        String currentFamily = null;
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++)
        {
            final String line = lines[i];
            final int number = i + 1;
            if (line.isEmpty())
            {
                continue;
            }
            if (line.startsWith("#"))
            {
                final Matcher m = HELP_OR_TYPE.matcher(line);
                if (!m.matches())
                {
                    continue; // a plain comment
                }
                final String name = m.group(2);
                require(METRIC_NAME.matcher(name).matches(), number, "bad metric name in " + line);
                if ("TYPE".equals(m.group(1)))
                {
                    require(TYPES.contains(m.group(3)), number, "unknown type in " + line);
                    require(!types.containsKey(name), number, "second TYPE for " + name);
                    types.put(name, m.group(3));
                }
                if (!name.equals(currentFamily))
                {
                    if (null != currentFamily)
                    {
                        closedFamilies.add(currentFamily);
                    }
                    require(!closedFamilies.contains(name), number, "family " + name + " resumed after another");
                    currentFamily = name;
                }
                continue;
            }
            final Sample sample = sample(line, number);
            final String family = familyOf(sample.name());
            require(types.containsKey(family), number, "sample without a TYPE line: " + line);
            require(family.equals(currentFamily), number, "sample outside its family's block: " + line);
            require(series.add(sample.name() + sample.labels()), number, "duplicate series: " + line);
            samples.add(sample);
        }
    }

    /** The family a sample belongs to: its own name, or for histograms and summaries the name before the suffix. */
    private String familyOf(final String name)
    {
        if (types.containsKey(name))
        {
            return name;
        }
        for (final String suffix : List.of("_bucket", "_sum", "_count"))
        {
            if (name.endsWith(suffix))
            {
                final String base = name.substring(0, name.length() - suffix.length());
                final String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type) && !"_bucket".equals(suffix))
                {
                    return base;
                }
            }
        }
        return name;
    }

    private static Sample sample(final String line, final int number)
    {
        int at = 0;
        while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ')
        {
            at++;
        }
        final String name = line.substring(0, at);
        require(METRIC_NAME.matcher(name).matches(), number, "bad metric name: " + line);
        final Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{')
        {
            at++;
            while (line.charAt(at) != '}')
            {
                final int eq = line.indexOf('=', at);
                require(eq > at, number, "label without '=': " + line);
                final String label = line.substring(at, eq);
                require(LABEL_NAME.matcher(label).matches(), number, "bad label name '" + label + "': " + line);
                require(line.charAt(eq + 1) == '"', number, "label value not quoted: " + line);
                final StringBuilder value = new StringBuilder();
                int p = eq + 2;
                while (line.charAt(p) != '"')
                {
                    char c = line.charAt(p);
                    if (c == '\\')
                    {
                        final char next = line.charAt(++p);
                        require(next == '\\' || next == '"' || next == 'n', number, "bad escape in " + line);
                        c = next == 'n' ? '\n' : next;
                    }
                    value.append(c);
                    p++;
                }
                require(null == labels.put(label, value.toString()), number, "label given twice: " + line);
                at = p + 1;
                if (line.charAt(at) == ',')
                {
                    at++;
                }
            }
            at++;
        }
        require(at < line.length() && line.charAt(at) == ' ', number, "no space before the value: " + line);
        final String[] rest = line.substring(at + 1).split(" ");
        require(rest.length == 1 || rest.length == 2, number, "value [timestamp] expected: " + line);
        final double value = number(rest[0], number, line);
        if (rest.length == 2)
        {
            require(rest[1].matches("-?[0-9]+"), number, "timestamp is not an integer: " + line);
        }
        return new Sample(name, labels, value);
    }

    private static double number(final String text, final int number, final String line)
    {
        switch (text)
        {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                require(text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), number,
                    "value is not a float: " + line);
                return Double.parseDouble(text);
        }
    }

    private void checkHistograms()
    {
        for (final Map.Entry<String, String> family : types.entrySet())
        {
            if (!"histogram".equals(family.getValue()))
            {
                continue;
            }
            final String name = family.getKey();
            final Map<Map<String, String>, List<Sample>> bucketsBySeries = new HashMap<>();
            for (final Sample sample : samples)
            {
                if (sample.name().equals(name + "_bucket"))
                {
                    require(sample.labels().containsKey("le"), 0, name + "_bucket without le");
                    final Map<String, String> rest = new LinkedHashMap<>(sample.labels());
                    rest.remove("le");
                    bucketsBySeries.computeIfAbsent(rest, k -> new ArrayList<>()).add(sample);
                }
            }
            require(!bucketsBySeries.isEmpty(), 0, "histogram " + name + " has no buckets");
            for (final Map.Entry<Map<String, String>, List<Sample>> series : bucketsBySeries.entrySet())
            {
                double lastBound = Double.NEGATIVE_INFINITY;
                double lastCount = 0;
                for (final Sample bucket : series.getValue())
                {
                    final double bound = number(bucket.labels().get("le"), 0, bucket.toString());
                    require(bound > lastBound, 0, name + " buckets not in increasing le order");
                    require(bucket.value() >= lastCount, 0, name + " buckets not cumulative at le=" + bound);
                    lastBound = bound;
                    lastCount = bucket.value();
                }
                require(lastBound == Double.POSITIVE_INFINITY, 0, name + " has no le=\"+Inf\" bucket");
                final Double count = value(name + "_count", series.getKey());
                require(null != count && count == lastCount, 0, name + "_count " + count + " != +Inf bucket " + lastCount);
                require(null != value(name + "_sum", series.getKey()), 0, name + "_sum missing");
            }
        }
    }

    private static void require(final boolean condition, final int line, final String message)
    {
        if (!condition)
        {
            throw new AssertionError((line > 0 ? "line " + line + ": " : "") + message);
        }
    }
}
