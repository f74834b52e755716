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
    void constructorWhenKeyShorterThan32BytesThenRefused() {
        assertThatThrownBy(() -> new CodeHasher(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32");
    }
}
