package org.phonepass.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Opaque tokens: the millisecond first, then 256 random bits; stored under the millisecond and the token's SHA-256,
 * and tokens of earlier versions under their SHA-256 alone (docs/benchmarks.md#time-ordered-token-keys).
 */
class OpaqueTokensTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant AT = Instant.parse("2026-12-07T20:15:30.123Z");

    private static OpaqueTokens at(Instant instant) {
        return new OpaqueTokens(Clock.fixed(instant, ZoneOffset.UTC), RANDOM);
    }

    @Test
    void nextWhenCalledThenBase64urlOfTheMillisecondAndThirtyTwoRandomBytes() {
        String token = at(AT).next();

        assertThat(token).hasSize(51).matches("[A-Za-z0-9_-]+");
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        assertThat(bytes).hasSize(38);
        long millis = ByteBuffer.wrap(new byte[] {0, 0, bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]})
                .getLong();
        assertThat(millis).isEqualTo(AT.toEpochMilli());
    }

    @Test
    void keyWhenTokenOfThisLayoutThenItsTimeBytesThenItsSha256() {
        String token = at(AT).next();

        byte[] key = OpaqueTokens.key(token);

        byte[] bytes = Base64.getUrlDecoder().decode(token);
        assertThat(Arrays.copyOf(key, 6)).isEqualTo(Arrays.copyOf(bytes, 6));
        assertThat(Arrays.copyOfRange(key, 6, key.length)).isEqualTo(TokenService.sha256(token));
        assertThat(OpaqueTokens.key(token)).isEqualTo(key);
    }

    @Test
    void keyWhenTokensMadeLaterThenKeysSortLaterWhateverTheirRandomBytes() {
        byte[] previous = null;
        for (long step = 0; step < 2_000; step++) {
            // Across byte boundaries of the millisecond too (255 -> 256, ...).
            byte[] key = OpaqueTokens.key(at(AT.plusMillis(step * 131)).next());
            if (previous != null) {
                assertThat(Arrays.compareUnsigned(previous, key)).isNegative();
            }
            previous = key;
        }
    }

    @Test
    void nextWhenSameMillisecondThenDistinctTokensAndKeys() {
        OpaqueTokens tokens = at(AT);
        Set<String> seen = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = tokens.next();
            seen.add(token);
            keys.add(Base64.getEncoder().encodeToString(OpaqueTokens.key(token)));
        }
        assertThat(seen).hasSize(10_000);
        assertThat(keys).hasSize(10_000);
    }

    @Test
    void keyWhenTokenOfAnEarlierVersionThenItsBareSha256AsItWasStored() {
        // Earlier versions issued 32 random bytes, base64url: 43 characters, stored under their SHA-256.
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String earlier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);

        assertThat(earlier).hasSize(43);
        assertThat(OpaqueTokens.key(earlier)).isEqualTo(TokenService.sha256(earlier));
    }

    @Test
    void wellFormedWhenOursOrOfAnEarlierVersionThenTrueAndOtherwiseFalse() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String earlier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String now = at(AT).next();

        assertThat(OpaqueTokens.wellFormed(now)).isTrue();
        assertThat(OpaqueTokens.wellFormed(earlier)).isTrue();
        assertThat(OpaqueTokens.wellFormed(null)).isFalse();
        assertThat(OpaqueTokens.wellFormed("")).isFalse();
        assertThat(OpaqueTokens.wellFormed(now + "A")).isFalse();
        assertThat(OpaqueTokens.wellFormed(now.substring(1))).isFalse();
        assertThat(OpaqueTokens.wellFormed("+" + now.substring(1)))
                .as("base64, not base64url")
                .isFalse();
        assertThat(OpaqueTokens.wellFormed("=" + earlier.substring(1))).isFalse();
        assertThat(OpaqueTokens.wellFormed("é" + now.substring(1)))
                .as("a letter outside ASCII")
                .isFalse();
    }

    @Test
    void keyWhenAnythingElseIsPresentedThenAHashAndNoFailure() {
        String notBase64 = "!".repeat(51);
        String padded = "AAAAAA==" + at(AT).next().substring(8);
        String allPadding = "=".repeat(8) + at(AT).next().substring(8);

        assertThat(OpaqueTokens.key(notBase64)).isEqualTo(TokenService.sha256(notBase64));
        assertThat(OpaqueTokens.key(padded)).isEqualTo(TokenService.sha256(padded));
        assertThat(OpaqueTokens.key(allPadding)).isEqualTo(TokenService.sha256(allPadding));
        assertThat(OpaqueTokens.key("")).isEqualTo(TokenService.sha256(""));
        assertThat(OpaqueTokens.key("ü".repeat(51))).isEqualTo(TokenService.sha256("ü".repeat(51)));
    }
}
