package org.phonepass.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way a secret setting is written, for every secret key of every section ({@link Secret} marks them), so
 * that credentials need not sit in the YAML file. A secret value is one of:
 * <ul>
 *   <li>{@code ${NAME}}: the environment variable {@code NAME};</li>
 *   <li>{@code ${file:/run/secrets/twilio_token}}: the content of a file, without its surrounding white space
 *       (Docker and Kubernetes secrets are files);</li>
 *   <li>anything else: the value itself.</li>
 * </ul>
 * Beside every secret key {@code k}, the key {@code k_file} is accepted and means {@code k: ${file:...}}. A reference
 * that cannot be resolved fails at load with a message naming the setting, never the value.
 */
public final class SecretReference {
    private static final Pattern REFERENCE = Pattern.compile("^\\$\\{(?:(file):(.+)|([A-Za-z_][A-Za-z0-9_]*))}$");
    /** The suffix of a secret key's file twin. */
    public static final String FILE_TWIN = "_file";

    private SecretReference() {}

    /**
     * The secret's value, or null when the setting is absent.
     *
     * @param key         the settings key, for error messages
     * @param environment looks up environment variables ({@code System::getenv} in production, a map in tests)
     * @throws IllegalArgumentException naming {@code key} when a reference cannot be resolved
     */
    public static String resolve(String key, String raw, Function<String, String> environment) {
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
            return readFile(key, Path.of(m.group(2)));
        }
        String name = m.group(3);
        String value = environment.apply(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(
                    key + " refers to the environment variable " + name + ", which is not set");
        }
        return value;
    }

    /** The reference that reads {@code path}, as the {@code _file} twin of a key means it. */
    public static String fileReference(String path) {
        return "${file:" + path.trim() + "}";
    }

    /** For a record's {@code toString}: a secret's presence, never its value. */
    public static String mask(String raw) {
        if (raw == null) {
            return "null";
        }
        return REFERENCE.matcher(raw.trim()).matches() ? raw : "****";
    }

    private static String readFile(String key, Path path) {
        try {
            String content = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new IllegalArgumentException(key + " refers to the file " + path + ", which is empty");
            }
            return content;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    key + " refers to the file " + path + ", which cannot be read ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }
}
