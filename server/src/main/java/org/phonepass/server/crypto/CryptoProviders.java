package org.phonepass.server.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.phonepass.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider the server signs with and its TLS uses (docs/security.md#crypto-provider). With
 * {@code crypto.provider: auto} the Amazon Corretto Crypto Provider (ACCP, a JCA provider over AWS-LC) is installed as
 * the first provider when its native library loads on this platform (Linux with glibc on x86-64 or aarch64); anywhere
 * else, or with {@code jdk}, the JDK's own providers do everything. ACCP registers no service when its library does
 * not load, so the fallback is the JDK, never a half-working provider.
 *
 * <p>The choice is made once per process, before any key object exists: {@code Main} starts loading the native
 * library on a thread of its own at the first line of {@code main} (unless {@code PHONEPASS_CRYPTO_PROVIDER=jdk}), and
 * {@code ConfigLoader} hands over the {@code crypto} section as soon as the file and the environment have been read,
 * before it resolves secrets or validates (the master key check already runs an HMAC). Every key object the signer
 * uses is then made through the chosen provider's {@link KeyFactory} ({@link Choice#keyFactory}): a key object made
 * by another provider would be translated on every signature.
 */
public final class CryptoProviders {
    /**
     * The logger, looked up at the first line logged and not when this class initialises: {@code Main} calls
     * {@link #preload} at its first line, and a logger taken then made the main thread initialise SLF4J and configure
     * Logback (about 0.17 s of CPU, docs/benchmarks.md "Start-up, cut again") before the thread meant to do that
     * beside it had even started.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);
    }
    /** ACCP's provider name, as {@link Security#getProvider} knows it. */
    public static final String ACCP = "AmazonCorrettoCryptoProvider";

    private static volatile CompletableFuture<Loaded> loading;
    private static Choice auto;
    private static final AtomicBoolean logged = new AtomicBoolean();

    private CryptoProviders() {}

    /** ACCP once loaded, or what stopped it. */
    private record Loaded(Provider provider, Throwable error) {}

    /**
     * The outcome: the provider keys and signatures come from ({@code null} for the JDK's), and why ACCP is not used
     * when {@code auto} fell back.
     */
    public record Choice(Settings.CryptoProvider setting, Provider nativeProvider, Throwable loadError) {
        public Choice {
            Objects.requireNonNull(setting, "setting cannot be null");
        }

        public boolean isNative() {
            return nativeProvider != null;
        }

        /** {@code AmazonCorrettoCryptoProvider} or {@code JDK}: the label of the {@code /metrics} info gauge. */
        public String name() {
            return isNative() ? nativeProvider.getName() : "JDK";
        }

        /** ACCP's and AWS-LC's versions, or the JDK's. */
        public String version() {
            if (nativeProvider instanceof AmazonCorrettoCryptoProvider accp) {
                return accp.getVersionStr() + " (" + accp.getAwsLcVersionStr() + ")";
            }
            return System.getProperty("java.version");
        }

        /** One line for the start-up banner and the log. */
        public String describe() {
            String setting = "crypto.provider: " + this.setting.name().toLowerCase(Locale.ROOT);
            if (isNative()) {
                return "Amazon Corretto Crypto Provider " + version() + " (" + setting + ")";
            }
            return "the JDK's providers, Java " + version() + " (" + setting
                    + (loadError == null ? "" : "; ACCP did not load: " + reason(loadError)) + ")";
        }

        /** A key factory of the chosen provider: ACCP's, or the JDK's own for that key type. */
        public KeyFactory keyFactory(String keyAlgorithm) throws NoSuchAlgorithmException {
            return KeyFactory.getInstance(keyAlgorithm, signatureProvider(keyAlgorithm));
        }

        /**
         * The provider whose {@code Signature} goes with {@link #keyFactory}'s keys. The JDK's is named explicitly, so
         * that {@code jdk} means the JDK even in a process where another provider was installed first.
         */
        public Provider signatureProvider(String keyAlgorithm) {
            if (isNative()) {
                return nativeProvider;
            }
            String name = switch (keyAlgorithm) {
                case "RSA" -> "SunRsaSign";
                case "EC" -> "SunEC";
                default -> throw new IllegalArgumentException("no JDK provider named for " + keyAlgorithm);
            };
            Provider p = Security.getProvider(name);
            if (p == null) {
                throw new IllegalStateException("the JDK provider " + name + " is not installed");
            }
            return p;
        }
    }

    /** The JDK's providers, with nothing loaded. */
    public static Choice jdk() {
        return new Choice(Settings.CryptoProvider.JDK, null, null);
    }

    /**
     * Starts loading ACCP's native library (about 0.15-0.45 s of a cold JVM) on a daemon thread, so that it overlaps
     * with reading the settings. Loading installs nothing.
     */
    public static void preload() {
        if (loading == null) {
            synchronized (CryptoProviders.class) {
                if (loading == null) {
                    CompletableFuture<Loaded> f = new CompletableFuture<>();
                    loading = f;
                    Thread t = new Thread(() -> f.complete(load()), "phonepass-crypto-load");
                    t.setDaemon(true);
                    t.start();
                }
            }
        }
    }

    private static Loaded load() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = accp.getLoadingError();
            if (error == null && accp.getService("Signature", "SHA256withRSA") == null) {
                error = new IllegalStateException("it registered no RSA signature");
            }
            return new Loaded(error == null ? accp : null, error);
        } catch (LinkageError | RuntimeException e) {
            // Missing from the class path, or a class that cannot initialise on this platform.
            return new Loaded(null, e);
        }
    }

    /**
     * The provider for {@code setting}, installing ACCP first in the JVM's list for {@code auto} (once per process;
     * later calls return the same choice). Logs nothing: the log may not be configured yet; {@link #logOnce} does.
     */
    public static Choice choose(Settings.CryptoProvider setting) {
        if (setting == Settings.CryptoProvider.JDK) {
            return jdk();
        }
        synchronized (CryptoProviders.class) {
            if (auto == null) {
                preload();
                Loaded loaded = loading.join();
                if (loaded.provider() != null && Security.getProvider(ACCP) == null) {
                    Security.insertProviderAt(loaded.provider(), 1);
                }
                auto = new Choice(Settings.CryptoProvider.AUTO, loaded.provider(), loaded.error());
            }
            return auto;
        }
    }

    /** Logs the choice, and a fallback as one warning, the first time a server starts in this process. */
    public static void logOnce(Choice choice) {
        if (!logged.compareAndSet(false, true)) {
            return;
        }
        if (choice.loadError() != null) {
            Log.LOG.warn(
                    "crypto.provider auto: the Amazon Corretto Crypto Provider did not load on this platform ({}); "
                            + "signing and TLS use the JDK's providers (docs/security.md#crypto-provider)",
                    reason(choice.loadError()));
        } else {
            Log.LOG.info("crypto: {}", choice.describe());
        }
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
