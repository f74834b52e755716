package org.phonepass.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.Settings;
import org.phonepass.server.crypto.CryptoProviders;
import org.phonepass.server.keys.NimbusTokenSigner;
import org.phonepass.server.tls.SecretFiles;
import org.phonepass.store.keys.EncryptingSigningKeyStore;
import org.phonepass.store.keys.MasterKeyRing;
import org.phonepass.store.sql.SqlStorage;

/**
 * Opens the configured storage and the signing keys in it, the same way for the server and for the operator
 * commands ({@code rotate-keys}), so that a command run beside a live server reads and writes exactly the keys the
 * server uses (encrypted with the same master key, kept for the same retention).
 */
final class SignerFactory {
    private SignerFactory() {}

    /** The configured SQL storage, migrated. */
    static SqlStorage storage(Settings settings) {
        Settings.Storage s = settings.storage();
        if (s.isPostgres()) {
            return SqlStorage.postgres(s.url(), s.user(), s.password(), s.poolSize());
        }
        Path dataDir = Path.of(settings.dataDir()).toAbsolutePath().normalize();
        Path db = dataDir.resolve("phonepass.db");
        try {
            // SQLite would create the file with the process's umask (world-readable by default); an empty file is a
            // valid new database, and SQLite gives its -wal and -shm files the database file's permissions.
            SecretFiles.ownerOnlyDirectory(dataDir);
            SecretFiles.ownerOnlyFile(db);
            SecretFiles.narrowIfPresent(dataDir.resolve("phonepass.db-wal"));
            SecretFiles.narrowIfPresent(dataDir.resolve("phonepass.db-shm"));
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot make the data folder " + dataDir + " private to this user: " + e.getMessage());
        }
        return SqlStorage.embedded(db, s.synchronous() == Settings.Synchronous.FULL);
    }

    /** The signer over the stored keys, wrapped with the master key when one is set. */
    static NimbusTokenSigner signer(Settings settings, SqlStorage storage, Clock clock, SecureRandom random) {
        return signer(
                settings,
                storage,
                clock,
                random,
                CryptoProviders.choose(settings.crypto().provider()));
    }

    /** The same, its key objects made by {@code crypto}'s provider. */
    static NimbusTokenSigner signer(
            Settings settings, SqlStorage storage, Clock clock, SecureRandom random, CryptoProviders.Choice crypto) {
        SigningKeyStore keyStore = masterKeys(settings)
                .<SigningKeyStore>map(ring -> new EncryptingSigningKeyStore(storage.signingKeys(), ring, random))
                .orElse(storage.signingKeys());
        Set<String> algorithms = settings.apis().stream()
                .map(a -> a.signingAlg().jwsName())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return new NimbusTokenSigner(keyStore, settings.issuer(), clock, retention(settings), algorithms, crypto);
    }

    /**
     * How long a retired key stays published: the longest token lifetime plus a day, so every token a key signed
     * expires before the key leaves the JWKS.
     */
    static Duration retention(Settings settings) {
        Duration longest = Duration.ofHours(10);
        for (var c : settings.clients()) {
            longest = max(longest, max(c.idTokenLifetime(), c.accessTokenLifetime()));
        }
        for (var a : settings.apis()) {
            longest = max(longest, a.accessTokenLifetime());
        }
        return longest.plus(Duration.ofDays(1));
    }

    /**
     * The master key ring from the settings, when one is set ({@code secrets.master_key_file} and the environment
     * variables were resolved into {@code secrets.master_key} at load).
     */
    static Optional<MasterKeyRing> masterKeys(Settings settings) {
        Settings.Secrets s = settings.secrets();
        try {
            return s.masterKey() == null ? Optional.empty() : Optional.of(MasterKeyRing.parse(s.masterKey()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("secrets.master_key: " + e.getMessage());
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
