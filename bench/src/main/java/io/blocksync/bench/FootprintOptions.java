package io.blocksync.bench;

import java.nio.file.Path;

/**
 * The command line of {@link FootprintRun}; see its class comment for the options.
 */
final class FootprintOptions
{
    Path launcher = Path.of("daemon/target/blocksync/bin/blocksync");
    int idleSeconds = 60;
    int settleSeconds = 15;
    String heartbeat = "1s";
    long capacity = 100_000;
    int bans;
    int chunk = 100_000;
    String originRate;
    String javaOpts;
    String cliJavaOpts;
    boolean keep;
    /** With a value above 0: ban n lasts 60 s plus (n mod stagger) seconds, sent over the control socket. */
    int staggerSeconds;

    /**
     * @param args the command line.
     * @return the options, defaults where not given.
     * @throws IllegalArgumentException for an unknown option.
     */
    static FootprintOptions parse(final String[] args)
    {
        final FootprintOptions options = new FootprintOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--launcher" -> options.launcher = Path.of(value);
                case "--idle-seconds" -> options.idleSeconds = Integer.parseInt(value);
                case "--settle-seconds" -> options.settleSeconds = Integer.parseInt(value);
                case "--heartbeat" -> options.heartbeat = value;
                case "--capacity" -> options.capacity = Long.parseLong(value);
                case "--bans" -> options.bans = Integer.parseInt(value);
                case "--chunk" -> options.chunk = Integer.parseInt(value);
                case "--origin-rate" -> options.originRate = value;
                case "--java-opts" -> options.javaOpts = value;
                case "--cli-java-opts" -> options.cliJavaOpts = value;
                case "--stagger" -> options.staggerSeconds = Integer.parseInt(value);
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

    /**
     * @return the config sections both nodes get: {@code [bans]} capacity (and origin rate), {@code [protocol]}
     * heartbeat interval.
     */
    String settings()
    {
        final StringBuilder settings = new StringBuilder()
            .append("[bans]\ncapacity = ").append(capacity).append('\n');
        if (null != originRate)
        {
            settings.append("origin-rate = ").append(originRate).append('\n');
        }
        settings.append("\n[protocol]\nheartbeat-interval = ").append(heartbeat).append('\n');
        return settings.toString();
    }
}
