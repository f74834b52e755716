package org.phonepass.server;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.LoggingAuditLog;
import org.phonepass.core.config.Durations;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;
import org.phonepass.server.keys.NimbusTokenSigner;
import org.phonepass.store.sql.JdbcAuditLog;
import org.phonepass.store.sql.SqlStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code phonepass rotate-keys}: adds a signing key that is published in the JWKS at once and starts signing after
 * {@code --publish-ahead}, so resource servers that cache the JWKS learn it before they meet a token it signed.
 * Running servers pick it up at their next housekeeping pass (within a minute); the old key stays published for the
 * longest token lifetime plus a day, then is deleted. Safe to run while servers run: it only adds a row.
 */
@Command(
        name = "rotate-keys",
        mixinStandardHelpOptions = true,
        description = "Add a new signing key: published now, signing after --publish-ahead.")
final class RotateKeysCommand implements Callable<Integer> {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML settings file (default: $PHONEPASS_CONFIG, else built-in dev defaults)")
    Path config;

    @Option(
            names = "--publish-ahead",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description =
                    "How long the new key is published before it signs, e.g. 10m, 1h (default: ${DEFAULT-VALUE}). "
                            + "Use at least the JWKS cache time of your APIs.")
    String publishAhead;

    @Override
    public Integer call() {
        Duration ahead;
        try {
            ahead = Durations.parse(publishAhead);
        } catch (IllegalArgumentException e) {
            System.err.println("phonepass: --publish-ahead: " + e.getMessage());
            return 2;
        }
        if (ahead.isNegative()) {
            System.err.println("phonepass: --publish-ahead cannot be negative");
            return 2;
        }
        Path file = config;
        String env = System.getenv("PHONEPASS_CONFIG");
        if (file == null && env != null && !env.isBlank()) {
            file = Path.of(env);
        }
        try {
            Settings settings = new ConfigLoader().load(file, System.getenv());
            Main.awaitLogging();
            Clock clock = Clock.systemUTC();
            try (SqlStorage storage = SignerFactory.storage(settings);
                    JdbcAuditLog stored = storage.auditLog()) {
                NimbusTokenSigner signer = SignerFactory.signer(settings, storage, clock, new SecureRandom());
                String previous = signer.currentKid();
                String kid = signer.rotate(ahead);
                Instant from = clock.instant().plus(ahead);
                AuditEvent event = new AuditEvent(
                        clock.instant(),
                        AuditEvent.Type.KEY_ROTATION,
                        null,
                        null,
                        null,
                        null,
                        AuditEvent.Outcome.SUCCESS,
                        "kid=" + kid + " previous=" + previous + " signs_from=" + from);
                new LoggingAuditLog().record(event);
                stored.record(event);
                System.out.println("new signing key " + kid + " is published now and signs from " + from
                        + "; key " + previous + " keeps signing until then and stays published for "
                        + Durations.format(SignerFactory.retention(settings)) + " after");
            }
            return 0;
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("phonepass: " + e.getMessage());
            return 2;
        }
    }
}
