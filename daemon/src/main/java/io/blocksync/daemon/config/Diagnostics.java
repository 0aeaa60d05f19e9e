package io.blocksync.daemon.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the errors and warnings found in one file so that all of them are reported together, in file order,
 * each as {@code FILE:LINE:COLUMN: message}.
 */
final class Diagnostics
{
    private static final Comparator<Problem> BY_POSITION =
        Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column);

    private record Problem(int line, int column, String message)
    {
    }

    private final String sourceName;
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    Diagnostics(final String sourceName)
    {
        this.sourceName = sourceName;
    }

    void error(final int line, final int column, final String message)
    {
        errors.add(new Problem(line, column, message));
    }

    void warning(final int line, final int column, final String message)
    {
        warnings.add(new Problem(line, column, message));
    }

    boolean hasErrors()
    {
        return !errors.isEmpty();
    }

    List<String> errors()
    {
        return format(errors, "");
    }

    List<String> warnings()
    {
        return format(warnings, "warning: ");
    }

    private List<String> format(final List<Problem> problems, final String label)
    {
        final List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(BY_POSITION); // stable: problems at one position keep the order they were found in

        final List<String> lines = new ArrayList<>(sorted.size());
        for (final Problem problem : sorted)
        {
            lines.add(sourceName + ":" + problem.line() + ":" + problem.column() + ": " + label + problem.message());
        }

        return List.copyOf(lines);
    }
}
