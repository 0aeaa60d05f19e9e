package io.blocksync.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code blocksync bench}: hands its arguments to the hardware-validation runner of the bench module. The daemon does
 * not compile against bench: the runner is found by name, on the class path (tests, IDE) or in the jars of
 * {@code lib/bench/} next to the daemon's jar, which the bench module fills at {@code mvn package}. Kept out of
 * {@code lib/} itself so that a node's class path (and the class-data archive built for it) stays exactly the daemon's.
 */
@Command(name = "bench", description = {
    "Measure this machine and say how many peers and bans/s it can serve: seal/verify per datagram, store get/put, " +
        "pflog/NFLOG decode, an in-process cluster's throughput and latency, a kernel apply in a throw-away network " +
        "namespace (as root with nft), idle CPU and RSS of a real node.",
    "Options (passed to the runner):",
    "  --quick            the short suite (at most about 60 s); the full one takes up to 5 min",
    "  --json             print the result as one JSON object (keys in PERFORMANCE.md, \"Bench runner\")",
    "  --compare FILE     also print this run's figures as ratios to another machine's --json output",
    "  --only SECTIONS    comma-separated subset of micro,cluster,kernel,node",
    "  --launcher PATH    the bin/blocksync whose nodes the node and cpu-cap sections start (default: this one)",
    "  --cpu-cap PERCENT  instead of the suite: a node started and fed under a cgroup CPU cap (as root), the " +
        "projection for a slower board",
    "  -h, --help         this text",
    "Exit status: 0 measured, 1 a section failed, 2 bad usage or the runner is not installed."})
final class BenchCommand implements Callable<Integer>
{
    static final String RUNNER_CLASS = "io.blocksync.bench.runner.BenchRunner";

    @Unmatched
    List<String> arguments = new ArrayList<>();

    public Integer call()
    {
        if (arguments.contains("--help") || arguments.contains("-h"))
        {
            new CommandLine(this).usage(System.out);
            return 0;
        }
        final Method entry;
        try
        {
            entry = runnerClass().getMethod("run", String[].class);
        }
        catch (final ClassNotFoundException | NoSuchMethodException | IOException ex)
        {
            System.err.println("blocksync bench: the bench runner is not installed (" + ex.getMessage() +
                "); the packages leave it out: build the distribution with mvn -B -q package -DskipTests and run " +
                "daemon/target/blocksync/bin/blocksync bench, or copy its lib/bench/ beside this lib/");
            return BlockSyncCli.EXIT_USAGE;
        }
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(entry.getDeclaringClass().getClassLoader());
        try
        {
            return (Integer)entry.invoke(null, (Object)arguments.toArray(new String[0]));
        }
        catch (final IllegalAccessException ex)
        {
            System.err.println("blocksync bench: cannot call the runner: " + ex.getMessage());
            return BlockSyncCli.EXIT_FAILED;
        }
        catch (final InvocationTargetException ex)
        {
            System.err.println("blocksync bench: " + ex.getCause());
            return BlockSyncCli.EXIT_FAILED;
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * @return the runner class from the class path, else from {@code lib/bench/*.jar} beside this jar.
     * @throws ClassNotFoundException naming the directory looked in, if neither has it.
     */
    static Class<?> runnerClass() throws ClassNotFoundException, IOException
    {
        try
        {
            return Class.forName(RUNNER_CLASS);
        }
        catch (final ClassNotFoundException notOnClassPath)
        {
            final Path benchLib = benchLibrary();
            final List<URL> jars = new ArrayList<>();
            if (null != benchLib && Files.isDirectory(benchLib))
            {
                try (Stream<Path> files = Files.list(benchLib))
                {
                    for (final Path jar : (Iterable<Path>)files.filter((p) -> p.toString().endsWith(".jar")).sorted()::iterator)
                    {
                        jars.add(toUrl(jar));
                    }
                }
            }
            if (jars.isEmpty())
            {
                throw new ClassNotFoundException("no " + RUNNER_CLASS + " on the class path and no jars in " +
                    (null == benchLib ? "lib/bench" : benchLib));
            }
            // Not closed: the runner's classes are in use until the JVM exits.
            @SuppressWarnings("resource")
            final URLClassLoader loader = new URLClassLoader(jars.toArray(new URL[0]), BenchCommand.class.getClassLoader());
            return Class.forName(RUNNER_CLASS, true, loader);
        }
    }

    /** @return {@code lib/bench} beside the jar (or classes directory) this class came from, or null if unknown. */
    private static Path benchLibrary()
    {
        final CodeSource code = BenchCommand.class.getProtectionDomain().getCodeSource();
        if (null == code || null == code.getLocation())
        {
            return null;
        }
        try
        {
            final Path source = Path.of(code.getLocation().toURI());
            return null == source.getParent() ? null : source.getParent().resolve("bench");
        }
        catch (final URISyntaxException | IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static URL toUrl(final Path jar) throws IOException
    {
        try
        {
            return new File(jar.toString()).toURI().toURL();
        }
        catch (final MalformedURLException ex)
        {
            throw new IOException(jar + ": " + ex.getMessage(), ex);
        }
    }
}
