package org.phonepass.sms.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret settings so that credentials need not sit in the YAML file. A secret value is one of:
 * <ul>
 *   <li>{@code ${NAME}}: the environment variable {@code NAME};</li>
 *   <li>{@code ${file:/run/secrets/twilio_token}}: the content of a file, without its trailing line break
 *       (Docker and Kubernetes secrets are files);</li>
 *   <li>anything else: the value itself.</li>
 * </ul>
 * A reference that cannot be resolved fails start-up with a message naming the setting, never the value.
 */
public final class Secrets {
    private static final Pattern REFERENCE = Pattern.compile("^\\$\\{(?:(file):(.+)|([A-Za-z_][A-Za-z0-9_]*))}$");
    private final Function<String, String> environment;

    /** @param environment looks up environment variables; {@code System::getenv} in production */
    public Secrets(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment cannot be null");
    }

    /**
     * The secret's value, or null when the setting is absent.
     *
     * @param key the settings key, for error messages
     */
    public String resolve(String key, String raw) {
        if (raw == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(raw.trim());
        if (!m.matches()) {
            if (raw.startsWith("${")) {
                throw new IllegalArgumentException(key + " looks like a reference but is not one; write ${ENV_NAME} "
                        + "or ${file:/path/to/file}");
            }
            return raw;
        }
        if (m.group(1) != null) {
            Path path = Path.of(m.group(2));
            try {
                String content = Files.readString(path, StandardCharsets.UTF_8).strip();
                if (content.isEmpty()) {
                    throw new IllegalArgumentException(key + " refers to the file " + path + ", which is empty");
                }
                return content;
            } catch (IOException e) {
                throw new IllegalArgumentException(key + " refers to the file " + path + ", which cannot be read ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }
        String name = m.group(3);
        String value = environment.apply(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(key + " refers to the environment variable " + name
                    + ", which is not set");
        }
        return value;
    }

    /** For a record's {@code toString}: a secret's presence, never its value. */
    public static String mask(String raw) {
        if (raw == null) {
            return "null";
        }
        return REFERENCE.matcher(raw.trim()).matches() ? raw : "****";
    }
}
