package io.blocksync.firewall;

/**
 * A firewall tool is missing, lacks privilege or rejected a change. The message is one line an operator can act on,
 * e.g. {@code nft not found on PATH (install nftables)}.
 */
public final class FirewallException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public FirewallException(final String message)
    {
        super(message);
    }

    public FirewallException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /**
     * @return the one-line text to report for a failure: a FirewallException's own message, otherwise the
     * exception's class and message.
     */
    static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        if (ex instanceof FirewallException && null != message)
        {
            return message;
        }

        return ex.getClass().getSimpleName() + (null == message ? "" : ": " + message);
    }
}
