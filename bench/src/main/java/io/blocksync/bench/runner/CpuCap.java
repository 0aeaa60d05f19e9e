package io.blocksync.bench.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A cgroup that caps the CPU of the processes put in it to a share of one core: cgroup v1's {@code cpu} controller
 * ({@code cpu.cfs_period_us} 100 ms, up to 1 s below 1 %, {@code cpu.cfs_quota_us} the share of it) where mounted,
 * else cgroup v2's {@code cpu.max} ("QUOTA PERIOD") where the {@code cpu} controller is available (Documentation/admin-guide/cgroup-v1/
 * and cgroup-v2.rst in the kernel tree). Needs root. {@link #close()} removes the group (empty by then).
 */
final class CpuCap implements AutoCloseable
{
    private static final long PERIOD_MICROS = 100_000;
    /** The kernel's longest CFS period, 1 s, and its shortest quota, 1 ms (kernel/sched/core.c): no cap below 0.1 %. */
    private static final long MAX_PERIOD_MICROS = 1_000_000;
    private static final long MIN_QUOTA_MICROS = 1000;
    /** The smallest cap a CFS quota can express. */
    static final double MIN_PERCENT = 100.0 * MIN_QUOTA_MICROS / MAX_PERIOD_MICROS;
    private static final Path V1_CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final Path[] V2_ROOTS = { Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup") };

    private final Path dir;
    private final String kind;

    private CpuCap(final Path dir, final String kind)
    {
        this.dir = dir;
        this.kind = kind;
    }

    /**
     * @param percent share of one core, [{@link #MIN_PERCENT}, 100]: below 1 % the period grows from 100 ms towards
     *                1 s so that the quota stays at least the kernel's 1 ms and the cap is the one asked for.
     * @return the new group.
     * @throws IOException with the reason if neither cgroup version can cap CPU here (not root, no controller).
     */
    static CpuCap create(final double percent) throws IOException
    {
        final long period = Math.min(MAX_PERIOD_MICROS, Math.max(PERIOD_MICROS, (long)Math.ceil(MIN_QUOTA_MICROS * 100 / percent)));
        final long quota = Math.max(MIN_QUOTA_MICROS, Math.round(period * percent / 100));
        final String name = "blocksync-bench-" + ProcessHandle.current().pid();
        if (Files.isWritable(V1_CPU.resolve("cgroup.procs")) && Files.exists(V1_CPU.resolve("cpu.cfs_quota_us")))
        {
            final Path dir = Files.createDirectories(V1_CPU.resolve(name));
            Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(period));
            Files.writeString(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            return new CpuCap(dir, String.format(Locale.ROOT, "cgroup v1 cpu: cfs_quota_us %d per cfs_period_us %d", quota, period));
        }
        for (final Path root : V2_ROOTS)
        {
            final Path controllers = root.resolve("cgroup.controllers");
            if (Files.isReadable(controllers) && Files.readString(controllers).contains("cpu"))
            {
                final String enabled = Files.readString(root.resolve("cgroup.subtree_control"));
                if (!enabled.contains("cpu"))
                {
                    Files.writeString(root.resolve("cgroup.subtree_control"), "+cpu");
                }
                final Path dir = Files.createDirectories(root.resolve(name));
                Files.writeString(dir.resolve("cpu.max"), quota + " " + period);
                return new CpuCap(dir, String.format(Locale.ROOT, "cgroup v2 cpu.max \"%d %d\"", quota, period));
            }
        }
        throw new IOException("no writable cgroup v1 cpu controller at " + V1_CPU + " and no cgroup v2 cpu controller" +
            " (root needed)");
    }

    /** @return the file a process writes its pid to, to join the group. */
    Path procsFile()
    {
        return dir.resolve("cgroup.procs");
    }

    /** @return which cgroup interface and values, for the report. */
    String kind()
    {
        return kind;
    }

    public void close()
    {
        try
        {
            Files.deleteIfExists(dir);
        }
        catch (final IOException ex)
        {
            System.err.println("bench: could not remove " + dir + ": " + ex.getMessage());
        }
    }
}
