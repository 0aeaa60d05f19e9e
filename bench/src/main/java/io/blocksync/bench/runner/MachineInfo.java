package io.blocksync.bench.runner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a bench runs on, from Linux's {@code /proc/cpuinfo}, {@code /proc/meminfo} and {@code /proc/loadavg}
 * (proc(5)) and the JVM's properties; "unknown" where a file is missing (not Linux).
 */
final class MachineInfo
{
    private MachineInfo()
    {
    }

    /** Record the machine in the report under the keys listed in {@link BenchReport}. */
    static void describe(final BenchReport report)
    {
        final List<String> cpuinfo = lines("/proc/cpuinfo");
        report.machine("cpu_model", field(cpuinfo, "model name", field(cpuinfo, "Model", "unknown")))
            .machine("cpu_mhz", parseOr(field(cpuinfo, "cpu MHz", ""), Double.NaN))
            .machine("cores", Runtime.getRuntime().availableProcessors())
            .machine("memory_mib", Math.round(parseOr(field(lines("/proc/meminfo"), "MemTotal", "").replace(" kB", ""), Double.NaN) / 1024))
            .machine("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") +
                " (" + System.getProperty("java.vendor") + ")")
            .machine("jvm_bits", jvmBits())
            .machine("jvm_flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter((flag) -> flag.startsWith("-X") && !flag.startsWith("-Xlog")).toList()))
            .machine("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"))
            .machine("load_average_start", loadAverage());
    }

    /** @return 32 or 64: the JVM's data model ({@code sun.arch.data.model}), else guessed from {@code os.arch}. */
    static int jvmBits()
    {
        final String model = System.getProperty("sun.arch.data.model", "");
        if (model.equals("32") || model.equals("64"))
        {
            return Integer.parseInt(model);
        }
        return System.getProperty("os.arch", "").contains("64") ? 64 : 32;
    }

    /** @return the 1, 5 and 15 minute load averages, e.g. {@code "0.52 0.61 0.70"}. */
    static String loadAverage()
    {
        final List<String> lines = lines("/proc/loadavg");
        if (lines.isEmpty())
        {
            return "unknown";
        }
        final String[] fields = lines.get(0).split(" ");
        return fields.length < 3 ? "unknown" : fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static String field(final List<String> lines, final String name, final String otherwise)
    {
        for (final String line : lines)
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name))
            {
                return line.substring(colon + 1).strip();
            }
        }
        return otherwise;
    }

    private static double parseOr(final String text, final double otherwise)
    {
        try
        {
            return Double.parseDouble(text.strip());
        }
        catch (final NumberFormatException ex)
        {
            return otherwise;
        }
    }

    private static List<String> lines(final String file)
    {
        try
        {
            return Files.readAllLines(Path.of(file));
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }
}
