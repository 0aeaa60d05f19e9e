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

    public ConfigException(final List<String> errors)
    {
        this(errors, List.of());
    }

    public ConfigException(final List<String> errors, final List<String> warnings)
    {
        super(String.join("\n", errors));
        this.errors = errors.toArray(new String[0]);
        this.warnings = warnings.toArray(new String[0]);
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
