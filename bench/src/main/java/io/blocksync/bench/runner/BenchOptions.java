package io.blocksync.bench.runner;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of {@code blocksync bench}: {@code [--quick] [--json] [--compare FILE] [--only SECTIONS]
 * [--launcher PATH] [--cpu-cap PERCENT]}. Sections: {@code micro}, {@code cluster}, {@code kernel}, {@code node}.
 */
public final class BenchOptions
{
    public static final List<String> SECTIONS = List.of("micro", "cluster", "kernel", "node");

    boolean quick;
    boolean json;
    Path compare;
    Path launcher;
    final Set<String> sections = new LinkedHashSet<>(SECTIONS);
    /** Percent of one core for {@code --cpu-cap}; 0 for the ordinary suite. */
    double cpuCapPercent;

    /**
     * @param args the arguments after {@code bench}.
     * @return the options.
     * @throws IllegalArgumentException with a one-line message for an unknown option or a bad value.
     */
    public static BenchOptions parse(final String... args)
    {
        final BenchOptions options = new BenchOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--quick" -> options.quick = true;
                case "--json" -> options.json = true;
                case "--compare" -> options.compare = Path.of(value(args, ++i, arg));
                case "--launcher" -> options.launcher = Path.of(value(args, ++i, arg));
                case "--only" ->
                {
                    options.sections.clear();
                    for (final String section : value(args, ++i, arg).split(","))
                    {
                        if (!SECTIONS.contains(section.strip()))
                        {
                            throw new IllegalArgumentException("--only: unknown section '" + section + "'; expected " + SECTIONS);
                        }
                        options.sections.add(section.strip());
                    }
                }
                case "--cpu-cap" ->
                {
                    final String value = value(args, ++i, arg);
                    try
                    {
                        options.cpuCapPercent = Double.parseDouble(value);
                    }
                    catch (final NumberFormatException ex)
                    {
                        options.cpuCapPercent = -1;
                    }
                    if (!(options.cpuCapPercent >= CpuCap.MIN_PERCENT && options.cpuCapPercent <= 100))
                    {
                        throw new IllegalArgumentException("--cpu-cap: expected a percent of one core in [0.1, 100], not '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg +
                    "'; expected --quick, --json, --compare FILE, --only SECTIONS, --launcher PATH, --cpu-cap PERCENT");
            }
        }
        return options;
    }

    private static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /** @return {@code quick}, {@code full} or {@code cpu-cap}. */
    String mode()
    {
        return cpuCapPercent > 0 ? "cpu-cap" : quick ? "quick" : "full";
    }

    boolean runs(final String section)
    {
        return sections.contains(section);
    }
}
