package io.blocksync.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line of {@link EndToEndLatencyRun}; see its class comment for the options.
 */
final class EndToEndOptions
{
    /** The node JVM's memory and JIT flags as {@code bin/blocksync} passes them. */
    static final String LAUNCHER_MEMORY_FLAGS =
        "-Xms16m -Xmx64m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1";

    int samples = 300;
    int warmup = 20;
    List<String> flushDelays = List.of("0", "20ms");
    String family = "both";
    String source = "nflog";
    long gapMillis = 50;
    boolean capture = true;
    String nodeJavaOpts = LAUNCHER_MEMORY_FLAGS;
    Path csvDir;
    String logOptions = "";
    boolean keep;

    /**
     * @param args the command line.
     * @return the options, defaults where not given.
     * @throws IllegalArgumentException for an unknown option or a value not allowed.
     */
    static EndToEndOptions parse(final String[] args)
    {
        final EndToEndOptions options = new EndToEndOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--samples" -> options.samples = Integer.parseInt(value);
                case "--warmup" -> options.warmup = Integer.parseInt(value);
                case "--flush-delays" -> options.flushDelays = List.of(value.split(","));
                case "--family" -> options.family = oneOf("--family", value, "both", "4", "6");
                case "--source" -> options.source = oneOf("--source", value, "nflog", "pcap-pipe");
                case "--gap-ms" -> options.gapMillis = Long.parseLong(value);
                case "--node-java-opts" -> options.nodeJavaOpts = value;
                case "--log-options" -> options.logOptions = value;
                case "--csv" -> options.csvDir = Path.of(value);
                case "--no-capture" ->
                {
                    options.capture = false;
                    continue;
                }
                case "--keep" ->
                {
                    options.keep = true;
                    continue;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see the class comment)");
            }
            i++;
        }
        return options;
    }

    private static String oneOf(final String option, final String value, final String... allowed)
    {
        if (!List.of(allowed).contains(value))
        {
            throw new IllegalArgumentException(option + ": '" + value + "', expected one of " + String.join(", ", allowed));
        }
        return value;
    }
}
