package io.blocksync.daemon.config;

import java.util.List;

/**
 * A configuration file that cannot be used. Every problem found is listed, each as {@code FILE:LINE:COLUMN: message}
 * (or {@code FILE: message} when the file itself cannot be read), in file order.
 */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    // Arrays rather than List fields so the exception stays serialisable without lint warnings.
    private final String[] errors;
    private final String[] warnings;
    private final boolean unreadable;

    public ConfigException(final List<String> errors)
    {
        this(errors, List.of());
    }

    public ConfigException(final List<String> errors, final List<String> warnings)
    {
        this(errors, warnings, false);
    }

    private ConfigException(final List<String> errors, final List<String> warnings, final boolean unreadable)
    {
        super(String.join("\n", errors));
        this.errors = errors.toArray(new String[0]);
        this.warnings = warnings.toArray(new String[0]);
        this.unreadable = unreadable;
    }

    /** The file itself cannot be read ({@code FILE: cannot read: REASON}): an operation that failed, not bad input. */
    static ConfigException unreadable(final String error)
    {
        return new ConfigException(List.of(error), List.of(), true);
    }

    /**
     * @return whether the file could not be read at all (missing, a directory, permission denied, too large, not
     * UTF-8), rather than read and found wrong: the CLI exits 1 for the first, 2 for the second.
     */
    public boolean isUnreadable()
    {
        return unreadable;
    }

    /**
     * @return every error, one per line of the message, in file order.
     */
    public List<String> errors()
    {
        return List.of(errors);
    }

    /**
     * @return warnings found before the errors stopped the file being used, formatted like the errors.
     */
    public List<String> warnings()
    {
        return List.of(warnings);
    }
}
