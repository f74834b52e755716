package org.phonepass.store.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.phonepass.core.token.StoredKey;
import org.phonepass.testkit.InMemorySigningKeyStore;

class EncryptingSigningKeyStoreTest {
    private static final String JWK =
            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                    + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"d\":\"jpsQnnGQmL-YBIffH1136cLCnTT7lf7KNoLBRH3p5Kx\"}";
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private final InMemorySigningKeyStore raw = new InMemorySigningKeyStore();

    private EncryptingSigningKeyStore store(String ring) {
        return new EncryptingSigningKeyStore(raw, MasterKeyRing.parse(ring), TestKeys.random());
    }

    private StoredKey key(String kid) {
        return new StoredKey(kid, JWK, t0, t0, null);
    }

    @Test
    void addWhenSavedThenTheWrappedStoreHoldsNoPartOfThePrivateKey() {
        String master = TestKeys.newMasterKey();
        store(master).add(key("k1"));
        String stored = raw.raw().get(0).jwk();
        assertThat(stored)
                .startsWith(EncryptingSigningKeyStore.PREFIX
                        + MasterKeyRing.parse(master).currentId() + ":")
                .doesNotContain("jpsQnnGQmL")
                .doesNotContain("kty");
        assertThat(store(master).all()).containsExactly(key("k1"));
    }

    @Test
    void addWhenSameJwkTwiceThenCiphertextsDiffer() {
        EncryptingSigningKeyStore store = store(TestKeys.newMasterKey());
        store.add(key("k1"));
        store.add(key("k2"));
        String a = raw.raw().get(0).jwk();
        String b = raw.raw().get(1).jwk();
        assertThat(a.substring(a.lastIndexOf(':'))).isNotEqualTo(b.substring(b.lastIndexOf(':')));
    }

    @Test
    void allWhenMasterKeyRotatedThenOldKeysStillReadAndNewKeysUseTheNewMasterKey() {
        String oldMaster = TestKeys.newMasterKey();
        String newMaster = TestKeys.newMasterKey();
        store(oldMaster).add(key("before"));
        EncryptingSigningKeyStore rotated = store(newMaster + "," + oldMaster);
        rotated.add(key("after"));
        assertThat(rotated.all()).extracting(StoredKey::jwk).containsExactly(JWK, JWK);
        String oldId = MasterKeyRing.parse(oldMaster).currentId();
        String newId = MasterKeyRing.parse(newMaster).currentId();
        assertThat(rotated.masterKeysInUse()).containsExactly(oldId, newId);

        // Once the signing key under the old master key is retired and deleted, the old master key can go.
        rotated.retire("before", t0.plusSeconds(1));
        rotated.deleteRetiredBefore(t0.plusSeconds(2));
        assertThat(rotated.masterKeysInUse()).containsExactly(newId);
        assertThat(store(newMaster).all()).extracting(StoredKey::kid).containsExactly("after");
    }

    @Test
    void allWhenMasterKeyOfARowIsMissingThenFailsNamingTheKidAndTheKeyId() {
        String oldMaster = TestKeys.newMasterKey();
        store(oldMaster).add(key("k1"));
        assertThatThrownBy(() -> store(TestKeys.newMasterKey()).all())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k1")
                .hasMessageContaining(MasterKeyRing.parse(oldMaster).currentId())
                .hasMessageNotContaining(oldMaster);
    }

    @Test
    void allWhenCiphertextCopiedToAnotherKidThenRejected() {
        String master = TestKeys.newMasterKey();
        EncryptingSigningKeyStore store = store(master);
        store.add(key("victim"));
        store.add(new StoredKey("planted", "{\"kty\":\"oct\"}", t0, t0, null));
        StoredKey victim = raw.raw().get(0);
        raw.overwrite(new StoredKey("planted", victim.jwk(), t0, t0, null));
        assertThatThrownBy(store::all)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("planted")
                .hasMessageContaining("failed authentication");
    }

    @Test
    void allWhenCiphertextAlteredThenRejected() {
        EncryptingSigningKeyStore store = store(TestKeys.newMasterKey());
        store.add(key("k1"));
        String stored = raw.raw().get(0).jwk();
        char last = stored.charAt(stored.length() - 2);
        String altered = stored.substring(0, stored.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + stored.charAt(stored.length() - 1);
        raw.overwrite(new StoredKey("k1", altered, t0, t0, null));
        assertThatThrownBy(store::all).isInstanceOf(IllegalStateException.class).hasMessageContaining("k1");
    }

    @Test
    void allWhenARowIsPlaintextThenRefusedRatherThanTrusted() {
        raw.add(key("planted"));
        assertThatThrownBy(() -> store(TestKeys.newMasterKey()).all())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("planted")
                .hasMessageContaining("unencrypted");
    }
}
