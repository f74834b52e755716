package org.phonepass.server.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.phonepass.core.client.GrantType;
import org.phonepass.sms.config.DurationSetting;

/**
 * Binds a settings tree to the settings records without Jackson's databind, for the settings that every start reads:
 * building databind's deserializers for the forty-odd settings records was about 0.25 s of CPU on the main thread of
 * every start, before anything else could begin (docs/benchmarks.md, "Start-up, a margin").
 *
 * <p>It applies the rules {@link ConfigLoader} documents (the snake_case name or {@code @JsonProperty} of each record
 * component, {@code @JsonAlias}, closed sets, {@link DurationSetting}'s grammar) to the plain cases only, and gives up
 * ({@code null}) on anything else: an unknown key, a value of an unexpected shape, a type it does not know, a
 * constructor that throws. {@link ConfigLoader} then binds the same tree with Jackson, exactly as before, so every
 * refusal and every message comes from the one binder it always came from, and a value this binder accepts is one
 * Jackson accepts with the same result ({@code SettingsBinderTest} checks both on the same inputs).
 */
final class SettingsBinder {
    /** A whole number as Jackson reads it from text without surprises: no sign but minus, no leading zero. */
    private static final Pattern INT = Pattern.compile("0|-?[1-9][0-9]{0,8}");

    private static final Pattern LONG = Pattern.compile("0|-?[1-9][0-9]{0,17}");

    private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

    private SettingsBinder() {}

    /** Thrown inside the binder when it gives up; never leaves it. */
    private static final class GiveUp extends Exception {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    /**
     * The record {@code type} bound from {@code node}, or null when this binder cannot be sure to bind it as Jackson
     * would (the caller then binds with Jackson).
     */
    static <T extends Record> T bind(ObjectNode node, Class<T> type) {
        try {
            return type.cast(value(node, type));
        } catch (GiveUp e) {
            return null;
        }
    }

    private static Object value(JsonNode node, Type type) throws GiveUp {
        if (node == null || node.isNull()) {
            if (type instanceof Class<?> c && c.isPrimitive()) {
                throw GIVE_UP;
            }
            return null;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class && node instanceof ArrayNode array) {
                List<Object> out = new ArrayList<>(array.size());
                for (JsonNode item : array) {
                    out.add(element(item, args[0]));
                }
                return out;
            }
            if (raw == Map.class && args[0] == String.class && node instanceof ObjectNode object) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.put(e.getKey(), element(e.getValue(), args[1]));
                }
                return out;
            }
            throw GIVE_UP;
        }
        if (!(type instanceof Class<?> c)) {
            throw GIVE_UP;
        }
        if (c == String.class) {
            if (node.isTextual()) {
                return node.textValue();
            }
        } else if (c == Integer.class) {
            if (node.isInt()) {
                return node.intValue();
            }
            if (node.isTextual() && INT.matcher(node.textValue()).matches()) {
                return Integer.parseInt(node.textValue());
            }
        } else if (c == Long.class) {
            if (node.isInt() || node.isLong()) {
                return node.longValue();
            }
            if (node.isTextual() && LONG.matcher(node.textValue()).matches()) {
                return Long.parseLong(node.textValue());
            }
        } else if (c == Double.class) {
            if (node.isInt() || node.isLong() || node.isDouble()) {
                return node.doubleValue();
            }
        } else if (c == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isTextual()
                    && (node.textValue().equals("true") || node.textValue().equals("false"))) {
                return Boolean.valueOf(node.textValue());
            }
        } else if (c == Duration.class) {
            if (node.isTextual() || node.isInt()) {
                try {
                    return DurationSetting.parse(node.asText());
                } catch (IllegalArgumentException e) {
                    throw GIVE_UP;
                }
            }
        } else if (c == URI.class) {
            String text = node.textValue();
            if (text != null && !text.isEmpty() && text.strip().equals(text)) {
                try {
                    return URI.create(text);
                } catch (IllegalArgumentException e) {
                    throw GIVE_UP;
                }
            }
        } else if (c == GrantType.class) {
            if (node.isTextual()) {
                return GrantType.parse(node.textValue()).orElseThrow(() -> GIVE_UP);
            }
        } else if (c.isEnum()) {
            if (node.isTextual()) {
                return shape(c).constant(node.textValue());
            }
        } else if (c.isRecord()) {
            if (node instanceof ObjectNode object) {
                return shape(c).build(object);
            }
        }
        throw GIVE_UP;
    }

    /** An element of a list or a value of a map: Jackson would keep a null there, which no settings record takes. */
    private static Object element(JsonNode node, Type type) throws GiveUp {
        if (node == null || node.isNull()) {
            throw GIVE_UP;
        }
        return value(node, type);
    }

    private static Shape shape(Class<?> type) throws GiveUp {
        Shape shape = SHAPES.computeIfAbsent(type, Shape::of);
        if (shape.unsupported) {
            throw GIVE_UP;
        }
        return shape;
    }

    /** What the binder needs of one settings record or enum, read once by reflection. */
    private static final class Shape {
        final boolean unsupported;
        /** Records: YAML key (name or alias) to component index; the components' generic types; the constructor. */
        final Map<String, Integer> keys;

        final Type[] types;
        final Constructor<?> constructor;
        /** Enums: the static {@code @JsonCreator} taking the text, or else each constant's spelling. */
        final Method creator;

        final Map<String, Object> spellings;

        private Shape(
                boolean unsupported,
                Map<String, Integer> keys,
                Type[] types,
                Constructor<?> constructor,
                Method creator,
                Map<String, Object> spellings) {
            this.unsupported = unsupported;
            this.keys = keys;
            this.types = types;
            this.constructor = constructor;
            this.creator = creator;
            this.spellings = spellings;
        }

        static final Shape UNSUPPORTED = new Shape(true, null, null, null, null, null);

        static Shape of(Class<?> type) {
            try {
                return type.isEnum() ? ofEnum(type) : ofRecord(type);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return UNSUPPORTED;
            }
        }

        private static Shape ofRecord(Class<?> type) throws NoSuchMethodException {
            if (hasJacksonAnnotation(type.getAnnotations()) || type.getDeclaredConstructors().length != 1) {
                return UNSUPPORTED;
            }
            RecordComponent[] components = type.getRecordComponents();
            Map<String, Integer> keys = new HashMap<>();
            Type[] types = new Type[components.length];
            Class<?>[] raw = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                if (c.getType().isPrimitive()
                        || hasJacksonAnnotation(c.getAnnotations())
                        || hasJacksonAnnotation(c.getAccessor().getAnnotations())) {
                    return UNSUPPORTED;
                }
                types[i] = c.getGenericType();
                raw[i] = c.getType();
                if (keys.put(ConfigLoader.yamlName(c), i) != null) {
                    return UNSUPPORTED;
                }
                JsonAlias alias = c.getAnnotation(JsonAlias.class);
                if (alias == null) {
                    alias = c.getAccessor().getAnnotation(JsonAlias.class);
                }
                if (alias != null) {
                    for (String name : alias.value()) {
                        if (keys.put(name, i) != null) {
                            return UNSUPPORTED;
                        }
                    }
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (m.isAnnotationPresent(JsonCreator.class)) {
                    return UNSUPPORTED;
                }
            }
            Constructor<?> constructor = type.getDeclaredConstructor(raw);
            constructor.setAccessible(true);
            return new Shape(false, keys, types, constructor, null, null);
        }

        private static Shape ofEnum(Class<?> type) throws NoSuchFieldException {
            // @JsonClassDescription only names the set in ConfigLoader's messages; any other Jackson annotation on the
            // enum is left to Jackson.
            if (hasJacksonAnnotation(type.getAnnotations(), "JsonClassDescription")) {
                return UNSUPPORTED;
            }
            Method creator = null;
            for (Method m : type.getDeclaredMethods()) {
                if (m.isAnnotationPresent(JsonCreator.class)) {
                    if (creator != null
                            || !Modifier.isStatic(m.getModifiers())
                            || m.getParameterCount() != 1
                            || m.getParameterTypes()[0] != String.class
                            || m.getReturnType() != type
                            || m.getAnnotation(JsonCreator.class).mode() != JsonCreator.Mode.DELEGATING) {
                        return UNSUPPORTED;
                    }
                    m.setAccessible(true);
                    creator = m;
                }
            }
            Map<String, Object> spellings = new HashMap<>();
            for (Object constant : type.getEnumConstants()) {
                String name = ((Enum<?>) constant).name();
                java.lang.reflect.Field field = type.getField(name);
                if (hasJacksonAnnotation(field.getAnnotations())) {
                    return UNSUPPORTED;
                }
                JsonProperty named = field.getAnnotation(JsonProperty.class);
                String spelling = named != null && !named.value().isEmpty() ? named.value() : name;
                // With ACCEPT_CASE_INSENSITIVE_ENUMS Jackson takes any case of the spelling; two constants that
                // differ only in case are left to it.
                if (spellings.put(spelling.toLowerCase(java.util.Locale.ROOT), constant) != null) {
                    return UNSUPPORTED;
                }
            }
            return new Shape(false, null, null, null, creator, spellings);
        }

        /** Whether any annotation is Jackson's, other than those named (which the binder applies itself). */
        private static boolean hasJacksonAnnotation(Annotation[] annotations, String... applied) {
            for (Annotation a : annotations) {
                Class<? extends Annotation> t = a.annotationType();
                if (t == JsonProperty.class) {
                    JsonProperty p = (JsonProperty) a;
                    if (p.required()
                            || p.access() != JsonProperty.Access.AUTO
                            || !p.defaultValue().isEmpty()) {
                        return true;
                    }
                    continue;
                }
                if (t == JsonAlias.class || !t.getName().startsWith("com.fasterxml.jackson.")) {
                    continue;
                }
                if (!List.of(applied).contains(t.getSimpleName())) {
                    return true;
                }
            }
            return false;
        }

        Object constant(String text) throws GiveUp {
            if (creator != null) {
                try {
                    return creator.invoke(null, text);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw GIVE_UP;
                }
            }
            Object constant = spellings.get(text.toLowerCase(java.util.Locale.ROOT));
            if (constant == null) {
                throw GIVE_UP;
            }
            return constant;
        }

        Object build(ObjectNode node) throws GiveUp {
            Object[] args = new Object[types.length];
            boolean[] set = new boolean[types.length];
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Integer i = keys.get(e.getKey());
                if (i == null || set[i]) {
                    throw GIVE_UP;
                }
                set[i] = true;
                args[i] = value(e.getValue(), types[i]);
            }
            try {
                return constructor.newInstance(args);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw GIVE_UP;
            }
        }
    }
}
