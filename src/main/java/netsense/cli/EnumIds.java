package netsense.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import netsense.core.BlockKernel;
import netsense.spark.Mode;
import netsense.spark.SyntheticInputs;
import netsense.spark.VectorType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An enum-typed option's values as users write them: the lower-case ids of README and SPEC
 * ({@code permissive}, {@code float32}, ...), taken in any case. One class is both the option's
 * {@code converter} and its {@code completionCandidates}, so that {@code ${COMPLETION-CANDIDATES}}
 * in a description and the error for a wrong value list the same ids.
 *
 * @param <E> the enum
 */
abstract class EnumIds<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
    private final List<E> values;
    private final Function<E, String> id;

    EnumIds(Class<E> type, Function<E, String> id) {
        this.values = List.of(type.getEnumConstants());
        this.id = id;
    }

    /** The id of an enum constant as a user writes it: its name in lower case. */
    static String lowerCase(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    String id(E value) {
        return id.apply(value);
    }

    @Override
    public E convert(String value) {
        for (E e : values) {
            if (id.apply(e).equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new TypeConversionException("expected one of " + String.join(", ", this) + " but was '" + value + "'");
    }

    @Override
    public Iterator<String> iterator() {
        return values.stream().map(id).collect(Collectors.toList()).iterator();
    }

    /** {@code --mode}. */
    static final class Modes extends EnumIds<Mode> {
        Modes() {
            super(Mode.class, Mode::id);
        }
    }

    /** {@code --precision}. */
    static final class Precisions extends EnumIds<BlockKernel.Precision> {
        Precisions() {
            super(BlockKernel.Precision.class, BlockKernel.Precision::id);
        }
    }

    /** {@code --vector-type}. */
    static final class Methods extends EnumIds<netsense.core.Attribution.Method> {
        Methods() {
            super(netsense.core.Attribution.Method.class, netsense.core.Attribution.Method::id);
        }
    }

    static final class Quadratures extends EnumIds<netsense.core.Quadrature> {
        Quadratures() {
            super(netsense.core.Quadrature.class, netsense.core.Quadrature::id);
        }
    }

    static final class VectorTypes extends EnumIds<VectorType> {
        VectorTypes() {
            super(VectorType.class, VectorType::id);
        }
    }

    /** {@code --dgsm-bound}. */
    static final class Poincares extends EnumIds<netsense.core.DgsmBound.Poincare> {
        Poincares() {
            super(netsense.core.DgsmBound.Poincare.class, netsense.core.DgsmBound.Poincare::id);
        }
    }

    /** {@code --dist}. */
    static final class Distributions extends EnumIds<SyntheticInputs.Distribution> {
        Distributions() {
            super(SyntheticInputs.Distribution.class, EnumIds::lowerCase);
        }
    }

    /** {@code bench --kind}. */
    static final class BenchKinds extends EnumIds<BenchCommand.Kind> {
        BenchKinds() {
            super(BenchCommand.Kind.class, EnumIds::lowerCase);
        }
    }
}
