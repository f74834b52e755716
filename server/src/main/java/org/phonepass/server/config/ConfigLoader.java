package org.phonepass.server.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.config.Env;
import org.phonepass.core.config.Secret;
import org.phonepass.core.config.SecretReference;
import org.phonepass.sms.config.ClosedSet;
import org.phonepass.sms.config.DurationSetting;

/**
 * Reads the YAML settings file, applies environment overrides, resolves secret references, binds and validates: every
 * section, once, before anything starts. Binding has one rule for every section: the YAML key is the snake_case name
 * of the record component (a {@code @JsonProperty} only where a key cannot be a Java name), unknown keys are refused,
 * and durations go through {@link DurationSetting}. {@link SettingsBinder} binds the plain cases without Jackson's
 * databind, which cost the main thread of every start about a quarter of a second of CPU; Jackson binds the rest and
 * every refused value.
 */
public final class ConfigLoader {
    /**
     * Environment variables and the settings they override, read from the {@link Env} annotations on the settings
     * records, plus the {@code _FILE} variables of the secret keys that have one. docs/configuration.md lists them.
     */
    public static final Map<String, String> ENVIRONMENT = envTable();
    /**
     * The settings spellings of {@code clients[].grants}. {@link GrantType} is core's and carries no Jackson
     * annotations, so the loader binds it: a spelling here, or the grant's wire value, as always accepted.
     */
    private static final Map<GrantType, String> GRANT_SPELLINGS = new EnumMap<>(Map.of(
            GrantType.RESOURCE_OWNER,
            "password",
            GrantType.PASSWORDLESS_OTP,
            "passwordless_otp",
            GrantType.REFRESH_TOKEN,
            "refresh_token",
            GrantType.AUTHORIZATION_CODE,
            "authorization_code",
            GrantType.CLIENT_CREDENTIALS,
            "client_credentials",
            GrantType.IMPLICIT,
            "implicit"));

    /**
     * Made at its first use, to read a file or to bind what {@link SettingsBinder} leaves: a start without a settings
     * file whose environment the binder takes never makes it.
     */
    private ObjectMapper yaml;

    /** Whether the records are bound by {@link SettingsBinder} first; false binds with Jackson alone (tests compare). */
    private final boolean fastBinding;

    public ConfigLoader() {
        this(true);
    }

    ConfigLoader(boolean fastBinding) {
        this.fastBinding = fastBinding;
    }

    /** The YAML reader and Jackson's binder, which refuses bad values and says why. */
    private ObjectMapper yaml() {
        if (yaml == null) {
            yaml = JsonMapper.builder(new YAMLFactory())
                    .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                    .addModule(DurationSetting.module())
                    .addModule(new SimpleModule("grants").addDeserializer(GrantType.class, new GrantDeserializer()))
                    .build();
        }
        return yaml;
    }

    private static Map<String, String> envTable() {
        Map<String, String> m = new LinkedHashMap<>();
        collectEnv(Settings.class, "", m);
        return Collections.unmodifiableMap(m);
    }

    private static void collectEnv(Class<?> type, String prefix, Map<String, String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = prefix + yamlName(c);
            Env env = c.getAnnotation(Env.class);
            if (env != null) {
                out.put(env.value(), key);
                if (c.isAnnotationPresent(Secret.class)) {
                    out.put(env.value() + "_FILE", key + SecretReference.FILE_TWIN);
                }
            }
            if (c.getType().isRecord()) {
                collectEnv(c.getType(), key + ".", out);
            }
        }
    }

    /** The YAML key of a settings component: its {@code @JsonProperty} name, else its name in snake_case. */
    static String yamlName(RecordComponent c) {
        JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
        if (named == null) {
            named = c.getAnnotation(JsonProperty.class);
        }
        return named != null && !named.value().isEmpty()
                ? named.value()
                : PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName());
    }

    /**
     * Loads settings.
     *
     * @param file the YAML file, or null for defaults only
     * @param env  the environment (System.getenv() in production, a map in tests)
     */
    public Settings load(Path file, Map<String, String> env) {
        return load(file, env, crypto -> {});
    }

    /**
     * Loads settings, handing {@code beforeKeys} the {@code crypto} section (file and environment applied) before
     * anything that may touch a key: secrets are resolved and the master key checked only after it returns.
     * {@code Main} installs the crypto provider there (docs/security.md#crypto-provider). A {@code crypto} section
     * that does not bind is not handed over; binding the whole reports it.
     */
    public Settings load(Path file, Map<String, String> env, java.util.function.Consumer<Settings.Crypto> beforeKeys) {
        ObjectNode tree;
        try {
            JsonNode read = file == null ? null : yaml().readTree(Files.readString(file));
            if (read == null || read.isMissingNode() || read.isNull()) {
                tree = JsonNodeFactory.instance.objectNode();
            } else if (read instanceof ObjectNode object) {
                tree = object;
            } else {
                throw new ConfigException(file + ": the settings file must be a YAML mapping of keys to values");
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("cannot read the settings file " + file + ": " + e.getMessage());
        }
        ENVIRONMENT.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String value = env.get(e.getKey());
            if (value != null && !value.isEmpty()) {
                String twinVariable = e.getKey().endsWith("_FILE")
                        ? e.getKey().substring(0, e.getKey().length() - "_FILE".length())
                        : e.getKey() + "_FILE";
                if (ENVIRONMENT.containsKey(twinVariable)
                        && e.getKey().endsWith("_FILE")
                        && env.get(twinVariable) != null
                        && !env.get(twinVariable).isEmpty()) {
                    throw new ConfigException("set " + twinVariable + " or " + e.getKey() + ", not both");
                }
                set(tree, e.getValue(), value);
                if (ENVIRONMENT.containsKey(twinVariable)) {
                    // The variable overrides the file's value in either form: its twin key there is dropped.
                    remove(tree, ENVIRONMENT.get(twinVariable));
                }
            }
        });
        Settings.Crypto crypto = cryptoSection(tree);
        if (crypto != null) {
            beforeKeys.accept(crypto);
        }
        resolveSecrets(tree, Settings.class, "", env);
        Settings settings = fastBinding ? SettingsBinder.bind(tree, Settings.class) : null;
        if (settings == null) {
            settings = bindWithJackson(tree);
        }
        new SettingsValidator(settings).validate();
        return settings;
    }

    /** Binds with Jackson: what {@link SettingsBinder} leaves, every refused value among it, with its message. */
    private Settings bindWithJackson(ObjectNode tree) {
        try {
            return yaml().treeToValue(tree, Settings.class);
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .collect(Collectors.joining(", "));
            throw new ConfigException("unknown setting '" + path + "'. Accepted keys there: " + known);
        } catch (InvalidFormatException e) {
            throw new ConfigException(
                    "bad value " + quote(e.getValue()) + " for '" + path(e) + "': " + expected(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new ConfigException("bad value for '" + path(e) + "': " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new ConfigException("bad settings: " + e.getOriginalMessage());
        }
    }

    private Settings.Crypto cryptoSection(ObjectNode tree) {
        JsonNode node = tree.get("crypto");
        if (node == null || node.isNull()) {
            return new Settings.Crypto(null);
        }
        Settings.Crypto fast = fastBinding && node instanceof ObjectNode object
                ? SettingsBinder.bind(object, Settings.Crypto.class)
                : null;
        if (fast != null) {
            return fast;
        }
        try {
            return yaml().treeToValue(node, Settings.Crypto.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Resolves, in the tree and before binding, every component marked {@link Secret}: its {@code _file} twin
     * becomes a {@code ${file:...}} reference, and references are replaced by their values. One mechanism for every
     * section, with the key in every message.
     */
    private static void resolveSecrets(ObjectNode node, Class<?> type, String prefix, Map<String, String> env) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = yamlName(c);
            String key = prefix + name;
            if (c.isAnnotationPresent(Secret.class)) {
                String twin = name + SecretReference.FILE_TWIN;
                if (node.has(twin)) {
                    if (node.hasNonNull(name)) {
                        throw new ConfigException(
                                "set " + key + " or " + key + SecretReference.FILE_TWIN + ", not both");
                    }
                    JsonNode path = node.remove(twin);
                    if (!path.isValueNode() || path.asText().isBlank()) {
                        throw new ConfigException(
                                "bad value for '" + key + SecretReference.FILE_TWIN + "': expected the path of a file");
                    }
                    node.put(name, SecretReference.fileReference(path.asText()));
                }
                JsonNode value = node.get(name);
                try {
                    if (value != null && value.isTextual()) {
                        node.put(name, SecretReference.resolve(key, value.asText(), env::get));
                    } else if (value instanceof ObjectNode map) {
                        for (Iterator<String> names = map.fieldNames(); names.hasNext(); ) {
                            String field = names.next();
                            if (map.get(field).isTextual()) {
                                map.put(
                                        field,
                                        SecretReference.resolve(
                                                key + "." + field,
                                                map.get(field).asText(),
                                                env::get));
                            }
                        }
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(e.getMessage());
                }
                continue;
            }
            JsonNode child = node.get(name);
            if (child instanceof ObjectNode object && c.getType().isRecord()) {
                resolveSecrets(object, c.getType(), key + ".", env);
            } else if (child instanceof ArrayNode array
                    && List.class.isAssignableFrom(c.getType())
                    && c.getGenericType() instanceof ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof Class<?> element
                    && element.isRecord()) {
                for (int i = 0; i < array.size(); i++) {
                    if (array.get(i) instanceof ObjectNode item) {
                        resolveSecrets(item, element, key + "[" + i + "].", env);
                    }
                }
            }
        }
    }

    private static void remove(ObjectNode root, String dottedPath) {
        String[] parts = dottedPath.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < parts.length - 1 && node != null; i++) {
            node = node.get(parts[i]);
        }
        if (node instanceof ObjectNode parent) {
            parent.remove(parts[parts.length - 1]);
        }
    }

    private static void set(ObjectNode root, String dottedPath, String value) {
        String[] parts = dottedPath.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        node.put(parts[parts.length - 1], value);
    }

    /** {@code clients[].grants}: what {@link GrantType#parse} accepts, as before; else the accepted spellings. */
    private static final class GrantDeserializer extends StdScalarDeserializer<GrantType> {
        GrantDeserializer() {
            super(GrantType.class);
        }

        @Override
        public GrantType deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = p.getValueAsString();
            return GrantType.parse(value)
                    .orElseThrow(() -> InvalidFormatException.from(p, "unknown grant", value, GrantType.class));
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String quote(Object value) {
        return value == null ? "" : "'" + value + "'";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "wrong type";
        }
        if (type == GrantType.class) {
            return "accepted values are " + String.join(", ", GRANT_SPELLINGS.values());
        }
        if (type.isEnum()) {
            // Every closed set reports alike: what it is when the enum says (@JsonClassDescription), and its YAML
            // spellings (@JsonProperty on a constant, else the constant's name in lower case).
            JsonClassDescription what = type.getAnnotation(JsonClassDescription.class);
            @SuppressWarnings("unchecked")
            Class<? extends Enum<?>> closedSet = (Class<? extends Enum<?>>) type;
            return (what == null ? "" : "unknown " + what.value() + "; ") + "accepted values are "
                    + String.join(", ", ClosedSet.spellings(closedSet));
        }
        if (type == Integer.class || type == int.class) {
            return "expected a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "expected true or false";
        }
        if (type == Duration.class) {
            return "expected a duration such as 500ms, 180s, 5m, 1h or 30d";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "expected a list";
        }
        if (type == String.class) {
            return "expected text";
        }
        return "expected " + type.getSimpleName().toLowerCase(Locale.ROOT) + " settings (a mapping)";
    }
}
