package io.blocksync.firewall;

import java.util.Locale;

/**
 * How the nftables and ipset backends reach the kernel: key {@code kernel-session} in {@code [firewall]}.
 */
public enum KernelSessionMode
{
    /** The library session when libnftables/libipset and the JNI library load, else the tool process (said once). */
    AUTO,
    /** Only the library session; start fails with the reason when it cannot open. */
    LIBRARY,
    /** One {@code nft -f -} / {@code ipset restore} process per batch, as before the session existed. */
    PROCESS;

    /**
     * @param text {@code auto}, {@code library} or {@code process}, any case.
     * @return the mode.
     * @throws IllegalArgumentException naming the accepted values.
     */
    public static KernelSessionMode parse(final String text)
    {
        for (final KernelSessionMode mode : values())
        {
            if (mode.name().equalsIgnoreCase(text.trim()))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "': expected auto, library or process");
    }

    @Override
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
