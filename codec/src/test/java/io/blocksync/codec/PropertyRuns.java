package io.blocksync.codec;

import org.quicktheories.QuickTheory;

/**
 * The one place the codec's properties start a QuickTheories run. Each property class fixes its seed, so a run is
 * repeatable and a failure (which prints the seed and the shrunk sample) replays with the same command. To explore
 * other samples, pass another seed to every property at once:
 * {@code mvn -B -q -o verify -pl codec -Dtest='*Properties' -Dblocksync.propertySeed=N}.
 */
final class PropertyRuns
{
    /** System property that, when set, replaces every class's fixed seed. */
    static final String SEED_PROPERTY = "blocksync.propertySeed";

    private PropertyRuns()
    {
    }

    /**
     * @param classSeed the property class's fixed seed, used unless {@link #SEED_PROPERTY} is set.
     * @param examples  how many samples to try before the property passes.
     * @return a run with that seed and example count, ready for {@code forAll}.
     */
    static QuickTheory qt(final long classSeed, final int examples)
    {
        return QuickTheory.qt().withFixedSeed(seed(classSeed)).withExamples(examples);
    }

    static long seed(final long classSeed)
    {
        final String value = System.getProperty(SEED_PROPERTY);
        return null == value || value.isBlank() ? classSeed : Long.parseLong(value.trim());
    }
}
