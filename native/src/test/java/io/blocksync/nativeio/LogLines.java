package io.blocksync.nativeio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A source's log, kept for assertions and echoed to the test output.
 */
final class LogLines implements Consumer<String>
{
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void accept(final String line)
    {
        lines.add(line);
        System.out.println("[source log] " + line);
    }

    boolean contains(final String text)
    {
        for (final String line : lines)
        {
            if (line.contains(text))
            {
                return true;
            }
        }
        return false;
    }

    long count(final String text)
    {
        return lines.stream().filter(line -> line.contains(text)).count();
    }

    @Override
    public String toString()
    {
        return String.join("\n", lines);
    }
}
