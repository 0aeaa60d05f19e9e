package io.blocksync.daemon.store;

import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Takes a map off Chronicle Map's close-on-exit hook. Chronicle registers every map it opens with a JVM shutdown hook
 * ({@code ChronicleHashCloseOnExitHook}, run through Chronicle Core's {@code PriorityHook}) that closes it when the
 * JVM exits, unless the builder said {@code skipCloseOnExitHook(true)}; but a map opened from an existing file gets its
 * settings from the file's header, not from the builder, so that flag is always false there and every store a node
 * reopens was registered. On SIGTERM that hook then closed the store concurrently with the node's own shutdown hook,
 * while the loop was still running: "error in loop: ChronicleHashClosedException ... after close()" (PERFORMANCE.md
 * "Issue 12"), and it would also close a store that {@code Node.close} deliberately leaves open under a loop that did
 * not stop. The store is closed by its owner ({@link BanStore#close}) and only after the loop has stopped.
 * <p>
 * Chronicle has no public way to do this, so its package-private {@code remove} is called by reflection (the classes
 * are on the class path, one unnamed module); {@code ChronicleExitHookTest} checks it works with the shipped version.
 */
final class ChronicleExitHook
{
    private static final String HOOK_CLASS = "net.openhft.chronicle.hash.impl.ChronicleHashCloseOnExitHook";
    private static final Method REMOVE = findRemove();

    private ChronicleExitHook()
    {
    }

    /** Whether this Chronicle version has the hook's {@code remove(VanillaChronicleHash)}. */
    static boolean available()
    {
        return null != REMOVE;
    }

    /**
     * Takes {@code map} off the hook; nothing when it is not a {@link VanillaChronicleHash} or the hook's method is
     * missing (another Chronicle version: the map then stays registered, as before).
     */
    static void detach(final ChronicleMap<?, ?> map)
    {
        if (null == REMOVE || !(map instanceof VanillaChronicleHash))
        {
            return;
        }
        try
        {
            REMOVE.invoke(null, map);
        }
        catch (final IllegalAccessException | InvocationTargetException ex)
        {
            // The JVM is already shutting down (the hook refuses changes then): the map closes with it either way.
        }
    }

    private static Method findRemove()
    {
        try
        {
            final Method remove = Class.forName(HOOK_CLASS).getDeclaredMethod("remove", VanillaChronicleHash.class);
            remove.setAccessible(true);
            return remove;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
