package org.phonepass.sms.config;

import java.util.Objects;
import java.util.function.Function;
import org.phonepass.core.config.SecretReference;

/**
 * Resolves the SMS settings' secrets with the one reference syntax of every setting ({@link SecretReference}). The
 * server's configuration loader resolves every secret at load time and then builds with {@link #RESOLVED}; a caller
 * that binds the {@code sms:} section itself (the SMS module's tests, an embedding application) passes its
 * environment.
 */
public final class Secrets {
    /** For settings whose secrets the configuration loader has already resolved: values are taken as they are. */
    public static final Secrets RESOLVED = new Secrets(null);

    private final Function<String, String> environment;

    /** @param environment looks up environment variables; {@code System::getenv} in production */
    public Secrets(Function<String, String> environment) {
        this.environment = environment;
    }

    /**
     * The secret's value, or null when the setting is absent.
     *
     * @param key the settings key, for error messages
     */
    public String resolve(String key, String raw) {
        return environment == null ? raw : SecretReference.resolve(key, raw, Objects.requireNonNull(environment));
    }

    /** For a record's {@code toString}: a secret's presence, never its value. */
    public static String mask(String raw) {
        return SecretReference.mask(raw);
    }
}
