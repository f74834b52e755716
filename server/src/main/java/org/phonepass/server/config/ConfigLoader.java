package org.phonepass.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.phonepass.core.config.Durations;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the YAML settings file, applies environment overrides, and validates. */
public final class ConfigLoader {
    /** Environment variables and the settings they override. docs/configuration.md lists the same table. */
    public static final Map<String, String> ENVIRONMENT = envTable();

    private final ObjectMapper yaml;

    public ConfigLoader() {
        SimpleModule durations = new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                try {
                    return Durations.parse(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), p.getValueAsString(), Duration.class);
                }
            }
        });
        this.yaml = JsonMapper.builder(new YAMLFactory())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .addModule(durations)
                .build();
    }

    private static Map<String, String> envTable() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PHONEPASS_MODE", "mode");
        m.put("PHONEPASS_PUBLIC_URL", "public_url");
        m.put("PHONEPASS_HTTPS_PORT", "https_port");
        m.put("PHONEPASS_HTTP_PORT", "http_port");
        m.put("PHONEPASS_BIND_ADDRESS", "bind_address");
        m.put("PHONEPASS_DATA_DIR", "data_dir");
        m.put("PHONEPASS_TLS_CERT_FILE", "tls.cert_file");
        m.put("PHONEPASS_TLS_KEY_FILE", "tls.key_file");
        m.put("PHONEPASS_TLS_PKCS12_FILE", "tls.pkcs12_file");
        m.put("PHONEPASS_TLS_PKCS12_PASSWORD", "tls.pkcs12_password");
        m.put("PHONEPASS_BEHIND_TLS_PROXY", "http.behind_tls_proxy");
        m.put("PHONEPASS_MANAGEMENT_PORT", "http.management_port");
        m.put("PHONEPASS_MANAGEMENT_BIND_ADDRESS", "http.management_bind_address");
        m.put("PHONEPASS_STORAGE_TYPE", "storage.type");
        m.put("PHONEPASS_STORAGE_URL", "storage.url");
        m.put("PHONEPASS_STORAGE_USER", "storage.user");
        m.put("PHONEPASS_STORAGE_PASSWORD", "storage.password");
        m.put("PHONEPASS_CODE_HMAC_KEY", "secrets.code_hmac_key");
        m.put("PHONEPASS_CODE_HMAC_KEY_FILE", "secrets.code_hmac_key_file");
        m.put("PHONEPASS_MASTER_KEY", "secrets.master_key");
        m.put("PHONEPASS_MASTER_KEY_FILE", "secrets.master_key_file");
        m.put("PHONEPASS_REDIS_URL", "redis.url");
        m.put("PHONEPASS_SMS_PROVIDER", "sms.provider");
        return Map.copyOf(m);
    }

    /**
     * Loads settings.
     *
     * @param file the YAML file, or null for defaults only
     * @param env  the environment (System.getenv() in production, a map in tests)
     */
    public Settings load(Path file, Map<String, String> env) {
        ObjectNode tree;
        try {
            JsonNode read = file == null ? null : yaml.readTree(Files.readString(file));
            if (read == null || read.isMissingNode() || read.isNull()) {
                tree = yaml.createObjectNode();
            } else if (read instanceof ObjectNode object) {
                tree = object;
            } else {
                throw new ConfigException(file + ": the settings file must be a YAML mapping of keys to values");
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("cannot read the settings file " + file + ": " + e.getMessage());
        }
        ENVIRONMENT.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String value = env.get(e.getKey());
            if (value != null && !value.isEmpty()) {
                set(tree, e.getValue(), value);
            }
        });
        Settings settings;
        try {
            settings = yaml.treeToValue(tree, Settings.class);
        } catch (UnrecognizedPropertyException e) {
            String path = path(e);
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            throw new ConfigException("unknown setting '" + path + "'. Accepted keys there: " + known);
        } catch (InvalidFormatException e) {
            throw new ConfigException("bad value " + quote(e.getValue()) + " for '" + path(e) + "': "
                    + expected(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new ConfigException("bad value for '" + path(e) + "': " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new ConfigException("bad settings: " + e.getOriginalMessage());
        }
        new SettingsValidator(settings).validate();
        return settings;
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
        if (type.isEnum()) {
            return "accepted values are " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
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
