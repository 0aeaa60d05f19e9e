package io.blocksync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} says a process costs: CPU time in clock ticks (see {@code getconf CLK_TCK}), per process
 * and per thread, and the memory fields of its status file.
 */
public final class ProcStats
{
    private ProcStats()
    {
    }

    /**
     * @param pid a process id.
     * @return its utime + stime so far, in clock ticks.
     * @throws IOException if the process is gone.
     */
    public static long cpuTicks(final long pid) throws IOException
    {
        return cpuTicks(Path.of("/proc/" + pid + "/stat"));
    }

    /** utime + stime (fields 14 and 15) of a /proc stat file, in clock ticks; the name field may hold spaces. */
    static long cpuTicks(final Path statFile) throws IOException
    {
        final String stat = Files.readString(statFile);
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * @param pid a process id.
     * @return CPU ticks per thread name (threads of one name, such as GC workers, added up), sorted by name.
     * @throws IOException if the process is gone.
     */
    static Map<String, Long> threadTicks(final long pid) throws IOException
    {
        return perThreadName(pid, task -> cpuTicks(task.resolve("stat")));
    }

    /**
     * @param pid a process id.
     * @return nanoseconds on a CPU per thread name ({@code /proc/PID/task/TID/schedstat}'s first field, the
     * scheduler's own count, finer than {@link #threadTicks}' 10 ms ticks), threads of one name added up.
     * @throws IOException if the process is gone.
     */
    static Map<String, Long> threadRunNanos(final long pid) throws IOException
    {
        return perThreadName(pid, task ->
        {
            final String schedstat = Files.readString(task.resolve("schedstat")).strip();
            return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        });
    }

    /**
     * @param comm a thread name as {@code comm} shows it (the first 15 characters), e.g. {@code blocksync-signe}.
     * @return nanoseconds on a CPU ({@link #threadRunNanos}) of each thread of that name, by thread id: threads that
     * share a shortened name (the signer threads {@code blocksync-signer-ID-K}) one by one.
     * @throws IOException if the process is gone.
     */
    static Map<String, Long> threadRunNanosEach(final long pid, final String comm) throws IOException
    {
        final Map<String, Long> each = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    if (Files.readString(task.resolve("comm")).strip().equals(comm))
                    {
                        final String schedstat = Files.readString(task.resolve("schedstat")).strip();
                        each.put(task.getFileName().toString(), Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
                    }
                }
                catch (final IOException ex)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        return each;
    }

    /** A figure read from each {@code /proc/PID/task/TID} directory. */
    private interface TaskFigure
    {
        long read(Path task) throws IOException;
    }

    private static Map<String, Long> perThreadName(final long pid, final TaskFigure figure) throws IOException
    {
        final Map<String, Long> sums = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm")).strip().replace(' ', '_');
                    sums.merge(name, figure.read(task), Long::sum);
                }
                catch (final IOException ex)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        return sums;
    }

    /**
     * @param pid a process id.
     * @return the fields of {@code /proc/PID/status} by name, e.g. {@code VmRSS -> "51234 kB"}.
     * @throws IOException if the process is gone.
     */
    public static Map<String, String> status(final long pid) throws IOException
    {
        final Map<String, String> fields = new TreeMap<>();
        for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
        {
            final int colon = line.indexOf(':');
            if (colon > 0)
            {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }
}
