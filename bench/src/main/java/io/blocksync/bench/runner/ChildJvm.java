package io.blocksync.bench.runner;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A section run in a JVM of its own: the same java, the same flags as this one (the launcher's: C1 only, Serial GC)
 * but a larger heap, and this class path plus the bench jars. Five in-process nodes do not fit the launcher's 64 MB
 * heap, which is sized for one node. The child prints a {@link BenchReport} as JSON; its figures join the parent's.
 */
final class ChildJvm
{
    static final String HEAP = "-Xmx384m";

    private ChildJvm()
    {
    }

    /**
     * @param mainClass a class whose {@code main} prints a {@link BenchReport} as JSON on standard output.
     * @param args      its arguments.
     * @param timeoutSeconds how long it may take.
     * @param report    where its figures go.
     * @throws IOException if it cannot start, fails or prints no result (with the end of its output).
     */
    static void run(final Class<?> mainClass, final List<String> args, final long timeoutSeconds, final BenchReport report)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!flag.startsWith("-Xmx") && !flag.startsWith("-Xms") && !flag.startsWith("-agentlib") && !flag.startsWith("-javaagent"))
            {
                command.add(flag);
            }
        }
        command.add(HEAP);
        command.add("-cp");
        command.add(classPath(mainClass));
        command.add(mainClass.getName());
        command.addAll(args);
        final Path output = Files.createTempFile("blocksync-bench-child-", ".out");
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IOException(mainClass.getSimpleName() + " did not finish within " + timeoutSeconds + " s");
            }
            final String text = Files.readString(output, StandardCharsets.UTF_8);
            final int json = text.indexOf("{\n  \"format\"");
            if (process.exitValue() != 0 || json < 0)
            {
                throw new IOException(mainClass.getSimpleName() + " exited " + process.exitValue() + ": " +
                    text.substring(Math.max(0, text.length() - 500)).strip());
            }
            @SuppressWarnings("unchecked")
            final Map<String, Object> root = (Map<String, Object>)JsonText.parse(text.substring(json));
            @SuppressWarnings("unchecked")
            final Map<String, Map<String, Object>> figures = (Map<String, Map<String, Object>>)root.get("figures");
            figures.forEach((key, figure) -> report.add(key, (Double)figure.get("value"), (String)figure.get("unit"),
                (Boolean)figure.get("higher_better"), (String)figure.get("label")));
        }
        finally
        {
            Files.deleteIfExists(output);
        }
    }

    /** @return this JVM's class path, plus the jar (and its siblings) or directory {@code mainClass} came from. */
    private static String classPath(final Class<?> mainClass) throws IOException
    {
        final String own = System.getProperty("java.class.path");
        try
        {
            final Path source = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            final String extra = Files.isDirectory(source) ? source.toString() : source.getParent().resolve("*").toString();
            return own.isEmpty() ? extra : own + java.io.File.pathSeparator + extra;
        }
        catch (final java.net.URISyntaxException | RuntimeException ex)
        {
            throw new IOException("cannot locate " + mainClass.getName() + "'s jar: " + ex, ex);
        }
    }
}
