package io.blocksync.daemon.config;

import java.util.Collection;
import java.util.Locale;

/**
 * Finds the accepted name an operator most likely meant, for "did you mean" hints.
 */
final class NearMiss
{
    private static final int MIN_PREFIX_HINT_LENGTH = 3;

    private NearMiss()
    {
    }

    /**
     * @param typed     the unknown name.
     * @param candidates accepted names.
     * @return the closest candidate within a small edit distance, one that starts with what was typed, or null.
     */
    static String closest(final String typed, final Collection<String> candidates)
    {
        final String wanted = typed.toLowerCase(Locale.ROOT);
        final int allowedEdits = wanted.length() <= 4 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : candidates)
        {
            final int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance <= allowedEdits && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        if (null == best && wanted.length() >= MIN_PREFIX_HINT_LENGTH)
        {
            for (final String candidate : candidates)
            {
                if (candidate.startsWith(wanted))
                {
                    return candidate;
                }
            }
        }

        return best;
    }

    /**
     * @return " (did you mean 'x'?)" or "" when nothing is close.
     */
    static String hint(final String typed, final Collection<String> candidates, final String before, final String after)
    {
        final String closest = closest(typed, candidates);

        return null == closest ? "" : " (did you mean " + before + closest + after + "?)";
    }

    // Edit distance counting a swap of neighbours as one edit ("lgo" is one edit from "log"); names are short.
    private static int distance(final String a, final String b)
    {
        final int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++)
        {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++)
        {
            d[0][j] = j;
        }

        for (int i = 1; i <= a.length(); i++)
        {
            for (int j = 1; j <= b.length(); j++)
            {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }

        return d[a.length()][b.length()];
    }
}
