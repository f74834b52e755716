package org.phonepass.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The code HMAC: keyed, bound to client and phone, and refusing short keys (ASVS 2.7.5, 2.8.2). */
class CodeHasherTest {
    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    @Test
    void hashWhenSameInputsThenSameHashAndItIsNotTheCode() {
        CodeHasher hasher = new CodeHasher(key(1));
        byte[] a = hasher.hash("app", "+12015550100", "123456");
        assertThat(hasher.hash("app", "+12015550100", "123456")).isEqualTo(a);
        assertThat(a).hasSize(32);
        assertThat(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("123456");
    }

    @Test
    void hashWhenClientPhoneOrKeyDiffersThenHashDiffers() {
        byte[] base = new CodeHasher(key(1)).hash("app", "+12015550100", "123456");
        assertThat(new CodeHasher(key(1)).hash("other", "+12015550100", "123456"))
                .isNotEqualTo(base);
        assertThat(new CodeHasher(key(1)).hash("app", "+12015550101", "123456")).isNotEqualTo(base);
        assertThat(new CodeHasher(key(2)).hash("app", "+12015550100", "123456")).isNotEqualTo(base);
    }

    @Test
    void hashWhenKnownInputsThenTheHashStoredCodesWereMadeWith() {
        // HMAC-SHA256 over the length-prefixed fields, as every stored code was hashed (also by Python's hmac).
        CodeHasher hasher = new CodeHasher(key(1));
        assertThat(java.util.HexFormat.of().formatHex(hasher.hash("app", "+12015550100", "123456")))
                .isEqualTo("283866214ce8339605fd8cf645ffd20605fc58f50fb26764306c3dae86ac100c");
        assertThat(java.util.HexFormat.of().formatHex(hasher.hash("app", "+12015550100", "1".repeat(300))))
                .isEqualTo("ff8ac1c8bd71149103879d00973a61c74cb9dc5849d0c96a8ed6a29839d209c5");
    }

    @Test
    void hashWhenManyThreadsThenEachGetsTheSameHash() throws Exception {
        CodeHasher hasher = new CodeHasher(key(1));
        byte[] expected = hasher.hash("app", "+12015550100", "123456");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (!Arrays.equals(hasher.hash("app", "+12015550100", "123456"), expected)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void constructorWhenKeyShorterThan32BytesThenRefused() {
        assertThatThrownBy(() -> new CodeHasher(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32");
    }
}
