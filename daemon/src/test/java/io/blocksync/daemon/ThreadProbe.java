package io.blocksync.daemon;

import io.blocksync.testkit.Command;
import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * One thread of another JVM seen through Linux's {@code /proc}: found by its name (HotSpot gives each Java thread its
 * name as the task's {@code comm}, cut to 15 bytes), and, with the whole process frozen by {@code SIGSTOP}, asked
 * whether it was running its own code (not parked, not in any system call). Lets a crash test land its
 * {@code kill -9} while a given thread is busy: stop, look, then kill or continue.
 */
final class ThreadProbe
{
    private final long pid;
    private final Path task;

    private ThreadProbe(final long pid, final Path task)
    {
        this.pid = pid;
        this.task = task;
    }

    /**
     * @param namePrefix the thread's name, or its first 15 characters and less.
     * @throws AssertionError when no such thread shows within the default poll timeout.
     */
    static ThreadProbe find(final long pid, final String namePrefix)
    {
        final String comm = namePrefix.length() > 15 ? namePrefix.substring(0, 15) : namePrefix;
        final Path[] found = new Path[1];
        Poll.until("a thread named " + namePrefix + " in process " + pid, () ->
        {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task")))
            {
                found[0] = tasks.filter(task -> comm.equals(read(task.resolve("comm")))).findFirst().orElse(null);
            }
            return null != found[0];
        });
        return new ThreadProbe(pid, found[0]);
    }

    /** Freeze the whole process and wait until this thread is stopped. */
    void stopProcess()
    {
        Command.of("kill", "-STOP", Long.toString(pid)).mustSucceed();
        Poll.until("thread " + task + " stopped", Duration.ofSeconds(10), () -> 'T' == state());
    }

    void continueProcess()
    {
        Command.of("kill", "-CONT", Long.toString(pid)).mustSucceed();
    }

    /**
     * With the process stopped: whether this thread was running its own code when it stopped, in no system call (a
     * thread that parks, waits at a safepoint, wakes another or writes is in one).
     */
    boolean wasComputing()
    {
        // "NR arg0 arg1 ..." in a system call, "-1 sp pc" outside one, "running" while on a CPU.
        final String syscall = read(task.resolve("syscall"));
        return syscall.startsWith("-1 ");
    }

    /** With the process stopped: what {@code /proc/PID/task/TID/syscall} said, for messages. */
    String syscall()
    {
        return read(task.resolve("syscall"));
    }

    private char state()
    {
        // "tid (comm) S ...": the comm may hold spaces, the state follows its closing parenthesis.
        final String stat = read(task.resolve("stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file).trim();
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
