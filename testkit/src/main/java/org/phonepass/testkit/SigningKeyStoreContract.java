package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;

/**
 * The behaviour every {@link SigningKeyStore} must have. The store may hold other tests' keys (one shared database
 * per test run), so every assertion looks only at keys the test made.
 */
public abstract class SigningKeyStoreContract {
    /** A far-future base, so that the other tests' keys in a shared store sort before these. */
    private final Instant t0 = Instant.parse("2030-01-01T00:00:00Z")
            .plusSeconds(Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000));

    protected abstract SigningKeyStore store();

    private static String kid() {
        return "test-" + UUID.randomUUID();
    }

    /** A JWK-shaped document: the stores treat it as text, but the encrypting one must round-trip it exactly. */
    private static String jwk(String kid) {
        return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"0vx7agoebGcQSuuPiLJXZpt\",\"e\":\"AQAB\","
                + "\"d\":\"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9\",\"note\":\"é ü \\u0000\"}";
    }

    private Optional<StoredKey> find(String kid) {
        return store().all().stream().filter(k -> k.kid().equals(kid)).findFirst();
    }

    @Test
    void addWhenNewKeyThenAllReturnsItUnchanged() {
        String kid = kid();
        StoredKey key = new StoredKey(kid, jwk(kid), t0, t0.plus(Duration.ofHours(1)), null);
        store().add(key);
        assertThat(find(kid)).contains(key);
    }

    @Test
    void addWhenAlreadyRetiredThenRetiredAtKept() {
        String kid = kid();
        StoredKey key = new StoredKey(kid, jwk(kid), t0, t0, t0.plusSeconds(5));
        store().add(key);
        assertThat(find(kid)).contains(key);
    }

    @Test
    void allWhenSeveralKeysThenOrderedByCreation() {
        String older = kid();
        String newer = kid();
        store().add(new StoredKey(newer, jwk(newer), t0.plusSeconds(10), t0.plusSeconds(10), null));
        store().add(new StoredKey(older, jwk(older), t0, t0, null));
        List<String> mine = store().all().stream()
                .map(StoredKey::kid)
                .filter(k -> k.equals(older) || k.equals(newer))
                .toList();
        assertThat(mine).containsExactly(older, newer);
    }

    @Test
    void retireWhenCurrentThenRetiredAtSetOnce() {
        String kid = kid();
        store().add(new StoredKey(kid, jwk(kid), t0, t0, null));
        store().retire(kid, t0.plusSeconds(60));
        assertThat(find(kid).orElseThrow().retiredAt()).isEqualTo(t0.plusSeconds(60));
        // A second node retiring the same key later must not move the date: tokens are trusted from the first.
        store().retire(kid, t0.plusSeconds(120));
        assertThat(find(kid).orElseThrow().retiredAt()).isEqualTo(t0.plusSeconds(60));
    }

    @Test
    void retireWhenUnknownThenNothingChanges() {
        String kid = kid();
        store().add(new StoredKey(kid, jwk(kid), t0, t0, null));
        store().retire(kid(), t0.plusSeconds(60));
        assertThat(find(kid).orElseThrow().retiredAt()).isNull();
    }

    @Test
    void deleteRetiredBeforeWhenCutoffThenOnlyKeysRetiredEarlierGo() {
        String current = kid();
        String retiredLongAgo = kid();
        String retiredRecently = kid();
        store().add(new StoredKey(current, jwk(current), t0, t0, null));
        store().add(new StoredKey(retiredLongAgo, jwk(retiredLongAgo), t0, t0, t0.plusSeconds(10)));
        store().add(new StoredKey(retiredRecently, jwk(retiredRecently), t0, t0, t0.plusSeconds(100)));
        assertThat(store().deleteRetiredBefore(t0.plusSeconds(50))).isGreaterThanOrEqualTo(1);
        assertThat(find(retiredLongAgo)).isEmpty();
        assertThat(find(retiredRecently)).isPresent();
        assertThat(find(current)).isPresent();
    }
}
