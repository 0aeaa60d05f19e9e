package io.blocksync.daemon.node;

import java.util.function.IntUnaryOperator;

/** For tests of the loop's clients: answer a {@link LocalRequest} as the loop would, without one. */
public final class LocalRequestAnswers
{
    private LocalRequestAnswers()
    {
    }

    /** Every item gets the outcome the function gives for its index; the waiter is released. */
    public static void answer(final LocalRequest request, final IntUnaryOperator outcome)
    {
        for (int i = 0; i < request.size(); i++)
        {
            request.complete(i, outcome.applyAsInt(i));
        }
        request.release();
    }
}
