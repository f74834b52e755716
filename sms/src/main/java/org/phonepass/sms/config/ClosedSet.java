package org.phonepass.sms.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Binding of the settings' closed sets: an enum whose constants carry their YAML spelling in {@link JsonProperty}
 * (else their name in lower case). Each such enum's {@code @JsonCreator} calls {@link #bind}, so that the matching
 * (exact, or any case) is a property of the setting and not of the mapper that reads it, and an unknown value fails
 * as an {@link InvalidFormatException}: the settings loader turns that into a message naming the key and
 * {@link #spellings} (docs/configuration.md, "Adding a setting").
 */
public final class ClosedSet {
    private ClosedSet() {}

    /** The YAML spelling of one constant. */
    public static String spelling(Enum<?> constant) {
        try {
            JsonProperty named =
                    constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return named != null && !named.value().isEmpty()
                    ? named.value()
                    : constant.name().toLowerCase(Locale.ROOT);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every accepted spelling, in declaration order. */
    public static List<String> spellings(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> spelling((Enum<?>) c))
                .toList();
    }

    /**
     * The constant spelled {@code value}.
     *
     * @param ignoreCase whether any case is accepted ({@code POST} and {@code post}) or only the spelling itself
     * @throws InvalidFormatException when no constant is spelled so, with the accepted spellings in its message
     */
    public static <E extends Enum<E>> E bind(Class<E> type, String value, boolean ignoreCase)
            throws InvalidFormatException {
        for (E constant : type.getEnumConstants()) {
            String spelling = spelling(constant);
            if (ignoreCase ? spelling.equalsIgnoreCase(value) : spelling.equals(value)) {
                return constant;
            }
        }
        throw InvalidFormatException.from(
                null, "'" + value + "' is not one of " + String.join(", ", spellings(type)), value, type);
    }
}
