package org.phonepass.server.cluster;

import java.security.SecureRandom;
import java.util.Base64;

/** Settings every node of a test cluster shares: the same database, secrets, public URL and limits. */
final class ClusterYaml {
    /** One public URL for every node, as behind a load balancer: tokens name it as their issuer. */
    static final String PUBLIC_URL = "https://login.phonepass.test";
    /** Capacities the tests count against. */
    static final int SENDS_PER_PHONE = 4;

    static final int WRONG_CODES_PER_PHONE = 5;

    private ClusterYaml() {}

    /**
     * @param storageUrl the PostgreSQL JDBC URL (direct, or through a {@link TcpProxy})
     * @param redisUrl   null for none: limits and codes then live in PostgreSQL
     */
    static String common(
            String storageUrl,
            String user,
            String password,
            String redisUrl,
            String redisPrefix,
            String codeHmacKey,
            String masterKey) {
        StringBuilder y = new StringBuilder();
        y.append("""
                mode: dev
                public_url: %s
                https_port: 0
                bind_address: 127.0.0.1
                storage:
                  type: postgres
                  url: %s
                  user: %s
                  pool_size: 4
                """.formatted(PUBLIC_URL, storageUrl, user));
        if (password != null && !password.isEmpty()) {
            y.append("  password: ").append(password).append('\n');
        }
        if (redisUrl != null) {
            y.append("redis:\n  url: ")
                    .append(redisUrl)
                    .append("\n  key_prefix: \"")
                    .append(redisPrefix)
                    .append("\"\n");
        }
        y.append("""
                secrets:
                  code_hmac_key: %s
                  master_key: %s
                clients:
                  - client_id: sample-spa
                    name: Sample SPA
                    allowed_origins: [http://localhost:3000]
                    callbacks: [http://localhost:3000/]
                sms:
                  provider: dev
                  code_length: 6
                  code_ttl: 300s
                  max_attempts: 10
                limits:
                  start_per_ip: {capacity: 100000}
                  verify_per_ip: {capacity: 100000}
                  start_per_country_hourly: {capacity: 100000}
                  start_per_country_daily: {capacity: 100000}
                  start_global_hourly: {capacity: 100000}
                  start_global_daily: {capacity: 100000}
                  start_per_phone_hourly: {capacity: %d, period: 1h}
                  wrong_codes_per_phone: {capacity: %d, period: 1h, lockout: 1h}
                  pumping: {enabled: false}
                """.formatted(codeHmacKey, masterKey, SENDS_PER_PHONE, WRONG_CODES_PER_PHONE));
        return y.toString();
    }

    /** Base64 of 32 random bytes: a code HMAC key or a master key. */
    static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
