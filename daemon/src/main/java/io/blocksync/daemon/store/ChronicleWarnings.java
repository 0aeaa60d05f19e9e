package io.blocksync.daemon.store;

import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.onoes.ExceptionHandler;
import net.openhft.chronicle.core.onoes.Slf4jExceptionHandler;
import org.slf4j.Logger;

/**
 * Chronicle's warning handler, minus the two lines it prints at every recovery ("Recovery operation needs exclusive
 * access to the ChronicleMap or else the result is unspecified including the risk of losing and/or corrupting ..."
 * and "Do not use recovery as a standard way of opening a ChronicleMap."). BlockSync recovers only while it holds
 * the state directory's lock, so the exclusive access is given, and it says what it recovered in its own line; to an
 * operator reading the log after a crash, Chronicle's words would read as data loss. Every other warning goes to
 * Chronicle's SLF4J handler as before.
 */
final class ChronicleWarnings implements ExceptionHandler
{
    private static final String[] QUIETED = {
        "Recovery operation needs exclusive access", "Do not use recovery as a standard way" };

    private ChronicleWarnings()
    {
    }

    /**
     * Install as Chronicle's warning handler, once, before any map is opened; and drop Chronicle's performance notes
     * ("Took 42 ms to performClose" when a close outlasts 20 ms on a busy disk), which are for Chronicle's own
     * developers, not an operator reading `blocksync bans`.
     */
    static void install()
    {
        Jvm.setWarnExceptionHandler(new ChronicleWarnings());
        Jvm.setPerfExceptionHandler(ExceptionHandler.ignoresEverything());
    }

    @Override
    public void on(final Logger logger, final String message, final Throwable thrown)
    {
        if (null == thrown && isQuieted(message))
        {
            return;
        }
        Slf4jExceptionHandler.WARN.on(logger, message, thrown);
    }

    @Override
    public void on(final Class<?> clazz, final String message, final Throwable thrown)
    {
        if (null == thrown && isQuieted(message))
        {
            return;
        }
        Slf4jExceptionHandler.WARN.on(clazz, message, thrown);
    }

    static boolean isQuieted(final String message)
    {
        if (null == message)
        {
            return false;
        }
        for (final String quieted : QUIETED)
        {
            if (message.startsWith(quieted))
            {
                return true;
            }
        }
        return false;
    }
}
