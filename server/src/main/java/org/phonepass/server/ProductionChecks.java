package org.phonepass.server;

import java.util.ArrayList;
import java.util.List;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.Settings;
import org.phonepass.server.tls.TlsMaterial;

/**
 * What production mode refuses: development conveniences (the dev SMS inbox, a self-signed or generated
 * certificate, secrets generated on the spot) and settings that only make sense on a laptop. Each refusal says how to
 * fix it.
 */
final class ProductionChecks {
    private ProductionChecks() {
    }

    /** Checks that need no I/O, run before anything is created. */
    static void beforeStart(Settings s) {
        if (!s.isProduction()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        if (s.sms().provider().equals("dev")) {
            problems.add("sms.provider is 'dev', which only writes codes to the console and the dev inbox. "
                    + "Set sms.provider to a real provider (see docs/sms-providers.md).");
        }
        if (s.secrets().codeHmacKey() == null) {
            problems.add("no code HMAC key is set, and production mode does not generate one. Set "
                    + "PHONEPASS_CODE_HMAC_KEY (or secrets.code_hmac_key_file) to the base64 of 32 random bytes, "
                    + "for example the output of: openssl rand -base64 32. Every node must use the same key.");
        }
        if (s.secrets().masterKey() == null) {
            problems.add("no master key is set, so the signing keys would be stored unencrypted. Set "
                    + "PHONEPASS_MASTER_KEY (or secrets.master_key_file) to the base64 of 32 random bytes "
                    + "(openssl rand -base64 32); see docs/deployment.md for rotating it.");
        }
        boolean proxy = s.http().behindTlsProxy();
        boolean hasCert = (s.tls().certFile() != null && s.tls().keyFile() != null) || s.tls().pkcs12File() != null;
        if (!hasCert && !proxy) {
            problems.add("no TLS certificate is set. Set tls.cert_file and tls.key_file (PEM) or tls.pkcs12_file, "
                    + "or, behind a TLS-terminating proxy, set http.behind_tls_proxy: true and http_port.");
        }
        if (proxy && s.httpPort() == null) {
            problems.add("http.behind_tls_proxy is true but http_port is not set: the proxy needs a plain-HTTP port "
                    + "to forward to.");
        }
        if (s.httpPort() != null && !proxy) {
            problems.add("http_port serves plain HTTP, which production mode allows only behind a TLS proxy. "
                    + "Set http.behind_tls_proxy: true, or remove http_port.");
        }
        if (!s.publicUrl().startsWith("https://")) {
            problems.add("public_url must start with https:// in production mode (Auth0's client libraries only "
                    + "speak HTTPS).");
        }
        if (s.clients().isEmpty()) {
            problems.add("no clients are configured; add at least one under clients: (dev mode adds a sample "
                    + "client, production mode does not).");
        }
        fail(problems);
    }

    /** Checks on the loaded certificate. */
    static void certificate(Settings s, TlsMaterial tls) {
        if (s.isProduction() && !s.http().behindTlsProxy() && tls.selfSigned()) {
            fail(List.of("the TLS certificate is self-signed, so browsers and the Auth0 SDKs will refuse it. Use a "
                    + "certificate from a CA (for example Let's Encrypt), or terminate TLS in a proxy and set "
                    + "http.behind_tls_proxy: true."));
        }
    }

    private static void fail(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException("production mode refuses to start:\n  - " + String.join("\n  - ", problems));
        }
    }
}
