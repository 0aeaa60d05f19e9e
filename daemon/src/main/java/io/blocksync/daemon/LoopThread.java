package io.blocksync.daemon;

import io.blocksync.daemon.status.EventLog;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The thread that runs the node's loop. Two promises to the service manager:
 * <ul>
 *   <li>An {@link Error} on the loop (out of memory, a stack overflow) ends the process with
 *   {@link #EXIT_LOOP_ERROR} after one log line, so {@code Restart=on-failure} starts a fresh node; a loop that died
 *   while the JVM lived on would leave a node that answers nothing and is never restarted. An {@link Exception} is
 *   counted and logged, and the loop goes on.</li>
 *   <li>{@link #stop(long)} gives up after a deadline, so a stop finishes even when the loop is stuck in one long
 *   piece of work.</li>
 * </ul>
 */
final class LoopThread
{
    /** EX_SOFTWARE of sysexits(3): an internal error; not in the unit's SuccessExitStatus, so systemd restarts. */
    static final int EXIT_LOOP_ERROR = 70;
    /**
     * Longer than the loop's longest idle sleep (1 s in the selector), so a healthy loop ends between two checks of
     * its running flag and is never interrupted: an interrupt closes any channel it is using at that moment.
     */
    private static final int RETRY_STOP_MILLIS = 1_100;

    private final AgentRunner runner;
    private final EventLog.Line line;
    private final String label;
    private final IntConsumer exit;

    /**
     * @param errors counts every throwable from the loop (AgentRunner increments it).
     * @param label  names the node in log lines, e.g. "node 3".
     * @param exit   ends the process with the status it is given; {@link Node} passes a halt, tests a recorder.
     */
    LoopThread(
        final IdleStrategy idleStrategy,
        final Agent agent,
        final AtomicCounter errors,
        final EventLog log,
        final String label,
        final IntConsumer exit)
    {
        this.line = log.newLine();
        this.label = label;
        this.exit = exit;
        this.runner = new AgentRunner(idleStrategy, this::onError, errors, agent);
    }

    void start()
    {
        AgentRunner.startOnThread(runner);
    }

    /**
     * Stop the loop and wait for it: every {@value #RETRY_STOP_MILLIS} ms it is checked and interrupted, and at
     * the first check past {@code timeoutMillis} the wait ends, so it lasts at most
     * {@code timeoutMillis + }{@value #RETRY_STOP_MILLIS} ms.
     *
     * @return true when the loop thread has ended (or never ran), false when it was still running at the deadline.
     */
    boolean stop(final long timeoutMillis)
    {
        final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try
        {
            runner.close(RETRY_STOP_MILLIS, thread ->
            {
                if (System.nanoTime() - deadlineNanos >= 0)
                {
                    throw new LateLoopException();
                }
            });
            return true;
        }
        catch (final LateLoopException ex)
        {
            return false;
        }
    }

    /** On the loop thread (or the stopping thread, for an error in onClose). */
    private void onError(final Throwable throwable)
    {
        final boolean fatal = throwable instanceof Error;
        try
        {
            line.begin().append(label).append(fatal ? ": fatal error in loop, exiting with status " : ": error in loop: ");
            if (fatal)
            {
                line.append(EXIT_LOOP_ERROR).append(" so the service manager restarts the node: ");
            }
            line.append(String.valueOf(throwable)).commit();
        }
        catch (final Throwable ignore)
        {
            // Out of memory even for the log line: the exit below still happens.
        }
        finally
        {
            if (fatal)
            {
                exit.accept(EXIT_LOOP_ERROR);
            }
        }
    }

    /** Thrown through AgentRunner's close to end its wait at the deadline; carries no stack. */
    private static final class LateLoopException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        LateLoopException()
        {
            super(null, null, false, false);
        }
    }
}
