package io.blocksync.daemon;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, checked on the main classes of every module on this test classpath (codec, native,
 * firewall, daemon): which module may use which, no package cycles, the wire layout private to the codec, and
 * processes started only in native and firewall.
 */
@AnalyzeClasses(packages = "io.blocksync", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest
{
    private static final String CODEC = "io.blocksync.codec..";
    private static final String NATIVE = "io.blocksync.nativeio..";
    private static final String FIREWALL = "io.blocksync.firewall..";
    private static final String DAEMON = "io.blocksync.daemon..";
    /** Third-party code the codec may use: it is the wire format, and runs in every other module. */
    private static final String[] CODEC_LIBRARIES = { "java..", "javax..", "org.agrona..", "org.bouncycastle..", "net.jpountz.lz4.." };

    @ArchTest
    static final ArchRule codecDependsOnNothingOfOurs = classes()
        .that().resideInAPackage(CODEC)
        .should().onlyDependOnClassesThat().resideInAnyPackage(with(CODEC_LIBRARIES, CODEC))
        .because("the wire format is the base every module builds on: only the JDK, Agrona, BouncyCastle and lz4-java (snapshot chunks)");

    @ArchTest
    static final ArchRule nativeDependsOnlyOnCodecOfOurs = classes()
        .that().resideInAPackage(NATIVE)
        .should().onlyDependOnClassesThat(ours().negate().or(resideInAnyPackage(NATIVE, CODEC)))
        .because("native decodes kernel and capture formats into codec values and knows nothing above");

    @ArchTest
    static final ArchRule firewallDependsOnlyOnCodecAndNativeOfOurs = classes()
        .that().resideInAPackage(FIREWALL)
        .should().onlyDependOnClassesThat(ours().negate().or(resideInAnyPackage(FIREWALL, NATIVE, CODEC)))
        .because("the firewall service is driven by the daemon, never the other way round");

    @ArchTest
    static final ArchRule modulesAreFreeOfCycles = slices()
        .matching("io.blocksync.(*)..")
        .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices()
        .matching("io.blocksync.(**)")
        .should().beFreeOfCycles()
        .because("a package that calls back into its caller (node <-> detect) hides who owns what");

    /**
     * Javac copies compile-time constants such as {@code BanRecordFlyweight.REASON_OFFSET} into the classes that
     * use them, so no bytecode access remains for this rule to see; {@link #codecOffsetsAreNotPublic} makes the
     * compiler refuse them instead. This one still catches offsets read through non-constant fields.
     */
    @ArchTest
    static final ArchRule nothingOutsideCodecUsesRecordOffsets = noClasses()
        .that().resideOutsideOfPackage(CODEC)
        .should().accessFieldWhere(target(owner(resideInAnyPackage(CODEC))).and(target(nameMatching(".*_OFFSET"))))
        .allowEmptyShould(true)
        .because("only the codec's flyweights read and write the wire layout; the rest speak Ban");

    @ArchTest
    static final ArchRule codecOffsetsAreNotPublic = fields()
        .that().areDeclaredInClassesThat().resideInAPackage(CODEC)
        .and().haveNameMatching(".*_OFFSET")
        .should().notBePublic()
        .because("a public offset lets any class write a record field by hand; the flyweights' get/set(Ban) " +
            "are the way in, and javac inlines the constants where no other rule can see them");

    @ArchTest
    static final ArchRule daemonStartsNoProcesses = noClasses()
        .that().resideInAPackage(DAEMON)
        .should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, ProcessBuilder.Redirect.class, Process.class)
        .orShould().callMethodWhere(target(name("exec")).and(target(owner(assignableTo(Runtime.class)))))
        .orShould().dependOnClassesThat(
            resideInAnyPackage(NATIVE, FIREWALL).and(nameMatching(".*(Command|Process)Runner.*")))
        .because("firewall tools (nft, ipset, pfctl, sshguard) and capture pipes run in firewall and native");

    @ArchTest
    static final ArchRule atMostSixParameters = codeUnits()
        .that(new DescribedPredicate<JavaCodeUnit>("are written by hand and are not JNI entry points")
        {
            public boolean test(final JavaCodeUnit unit)
            {
                // A JNI entry takes primitives: reading a settings object's fields from C costs a lookup per field.
                return !unit.getModifiers().contains(JavaModifier.SYNTHETIC) && !unit.getName().startsWith("lambda$") &&
                    !unit.getModifiers().contains(JavaModifier.NATIVE);
            }
        })
        .should(haveAtMostParameters(6))
        .because("a longer list is a missing context or settings object");

    private static DescribedPredicate<JavaClass> ours()
    {
        return resideInAPackage("io.blocksync..");
    }

    private static ArchCondition<JavaCodeUnit> haveAtMostParameters(final int maximum)
    {
        return new ArchCondition<>("have at most " + maximum + " parameters")
        {
            public void check(final JavaCodeUnit unit, final ConditionEvents events)
            {
                final int count = declaredParameters(unit);
                if (count > maximum)
                {
                    events.add(SimpleConditionEvent.violated(unit,
                        unit.getFullName() + " has " + count + " parameters " + unit.getSourceCodeLocation()));
                }
            }
        };
    }

    /** Leaves out what javac adds to constructors: the outer instance, an enum's name and ordinal, captures. */
    private static int declaredParameters(final JavaCodeUnit unit)
    {
        final int raw = unit.getRawParameterTypes().size();
        if (!unit.isConstructor())
        {
            return raw;
        }
        final JavaClass owner = unit.getOwner();
        if (owner.isAnonymousClass() || owner.isLocalClass())
        {
            return 0;
        }
        if (owner.isEnum())
        {
            return raw - 2;
        }
        return owner.isInnerClass() ? raw - 1 : raw;
    }

    private static String[] with(final String[] packages, final String extra)
    {
        final String[] all = java.util.Arrays.copyOf(packages, packages.length + 1);
        all[packages.length] = extra;
        return all;
    }
}
