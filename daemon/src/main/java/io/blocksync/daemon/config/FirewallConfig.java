package io.blocksync.daemon.config;

import java.util.List;
import java.util.Map;

/**
 * The [firewall] section: the backend and its settings. Fields that do not apply to the backend are null, false
 * or their default. Immutable.
 */
public final class FirewallConfig
{
    public static final String LOG = "log";
    public static final String NFTABLES = "nftables";
    public static final String IPSET = "ipset";
    public static final String PF = "pf";
    public static final String CONTROL = "control";
    public static final String SSHGUARD = "sshguard";
    public static final List<String> BACKENDS = List.of(LOG, NFTABLES, IPSET, PF, CONTROL, SSHGUARD);

    public static final String MANAGED = "managed";
    public static final String EXISTING = "existing";

    final String backend;
    final long flushDelayMs;
    final int maxBatch;
    final String mode;
    final String family;
    final String table;
    final String set4;
    final String set6;
    final int priority;
    final boolean forward;
    final boolean killStates;
    final Map<String, String> tableByReason;
    final String program;
    final List<String> command;

    FirewallConfig(
        final String backend,
        final long flushDelayMs,
        final int maxBatch,
        final String mode,
        final String family,
        final String table,
        final String set4,
        final String set6,
        final int priority,
        final boolean forward,
        final boolean killStates,
        final Map<String, String> tableByReason,
        final String program,
        final List<String> command)
    {
        this.backend = backend;
        this.flushDelayMs = flushDelayMs;
        this.maxBatch = maxBatch;
        this.mode = mode;
        this.family = family;
        this.table = table;
        this.set4 = set4;
        this.set6 = set6;
        this.priority = priority;
        this.forward = forward;
        this.killStates = killStates;
        this.tableByReason = Map.copyOf(tableByReason);
        this.program = program;
        this.command = null == command ? null : List.copyOf(command);
    }

    static FirewallConfig log()
    {
        return new FirewallConfig(LOG, 20, 1024, MANAGED, null, null, null, null, -10, false, false, Map.of(), null, null);
    }

    public String backend()
    {
        return backend;
    }

    public long flushDelayMs()
    {
        return flushDelayMs;
    }

    public int maxBatch()
    {
        return maxBatch;
    }

    /** {@link #MANAGED} (we create the table/sets and the drop rule) or {@link #EXISTING} (only elements). */
    public String mode()
    {
        return mode;
    }

    public boolean managed()
    {
        return MANAGED.equals(mode);
    }

    /** nftables family of an existing table. */
    public String family()
    {
        return family;
    }

    /** nftables table, ipset set prefix (managed), pf default table, control-script rule name. */
    public String table()
    {
        return table;
    }

    public String set4()
    {
        return set4;
    }

    public String set6()
    {
        return set6;
    }

    public int priority()
    {
        return priority;
    }

    public boolean forward()
    {
        return forward;
    }

    public boolean killStates()
    {
        return killStates;
    }

    /** pf table or control-script rule per ban reason. */
    public Map<String, String> tableByReason()
    {
        return tableByReason;
    }

    /** The control script. */
    public String program()
    {
        return program;
    }

    /** The sshguard backend process argv. */
    public List<String> command()
    {
        return command;
    }
}
