package org.phonepass.store.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;

/**
 * Encrypts the private JWK of every signing key before it reaches the wrapped store, and decrypts it on the way
 * back, so that a database dump, a backup or a replica does not hand out the keys that sign every token.
 *
 * <p>AES-256-GCM with a random 96-bit nonce per key. Stored form, in place of the JWK:
 * {@code pp-enc:v1:<master key id>:<base64url(nonce | ciphertext | tag)>}. The master key id says which key of the
 * {@link MasterKeyRing} decrypts it, which is what makes rotating the master key possible. The associated data binds
 * the ciphertext to its {@code kid} and master key id: a row whose ciphertext was copied from another row, or
 * edited, fails to decrypt instead of signing with a key an attacker chose.
 *
 * <p>A row that is not in this form is refused, not passed through. Accepting plaintext would let anyone with
 * write access to the database (but not the master key) plant a key they know and sign tokens with it.
 * Deployments that enable encryption on an existing database start with fresh signing keys (docs/deployment.md).
 */
public final class EncryptingSigningKeyStore implements SigningKeyStore {
    static final String PREFIX = "pp-enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SigningKeyStore delegate;
    private final MasterKeyRing ring;
    private final SecureRandom random;

    public EncryptingSigningKeyStore(SigningKeyStore delegate, MasterKeyRing ring, SecureRandom random) {
        this.delegate = Objects.requireNonNull(delegate, "delegate cannot be null");
        this.ring = Objects.requireNonNull(ring, "ring cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
    }

    @Override
    public List<StoredKey> all() {
        return delegate.all().stream()
                .map(k -> new StoredKey(k.kid(), decrypt(k.kid(), k.jwk()), k.createdAt(), k.activeAt(), k.retiredAt()))
                .toList();
    }

    @Override
    public void add(StoredKey key) {
        delegate.add(new StoredKey(
                key.kid(), encrypt(key.kid(), key.jwk()), key.createdAt(), key.activeAt(), key.retiredAt()));
    }

    @Override
    public void retire(String kid, Instant at) {
        delegate.retire(kid, at);
    }

    @Override
    public int deleteRetiredBefore(Instant cutoff) {
        return delegate.deleteRetiredBefore(cutoff);
    }

    /**
     * The ids of the master keys that encrypt at least one stored signing key. An old master key may be dropped
     * from the ring once its id no longer appears here.
     */
    public Set<String> masterKeysInUse() {
        Set<String> ids = new LinkedHashSet<>();
        for (StoredKey k : delegate.all()) {
            ids.add(parse(k.kid(), k.jwk()).masterKeyId());
        }
        return ids;
    }

    private String encrypt(String kid, String jwk) {
        MasterKeyRing.MasterKey key = ring.current();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.encryptionKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(key.id(), kid));
            byte[] sealed = cipher.doFinal(jwk.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            return PREFIX + key.id() + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private record Sealed(String masterKeyId, byte[] nonceAndCiphertext) {}

    private static Sealed parse(String kid, String stored) {
        if (!stored.startsWith(PREFIX)) {
            throw new IllegalStateException("signing key " + kid + " is stored unencrypted; with a master key "
                    + "configured only encrypted keys are trusted (see docs/deployment.md, signing keys)");
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            throw new IllegalStateException("signing key " + kid + " has a malformed encrypted form");
        }
        try {
            return new Sealed(rest.substring(0, colon), Base64.getUrlDecoder().decode(rest.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("signing key " + kid + " has a malformed encrypted form", e);
        }
    }

    private String decrypt(String kid, String stored) {
        Sealed sealed = parse(kid, stored);
        MasterKeyRing.MasterKey key = ring.find(sealed.masterKeyId())
                .orElseThrow(() -> new IllegalStateException("signing key " + kid + " is encrypted with master key "
                        + sealed.masterKeyId() + ", which is not "
                        + "in " + MasterKeyRing.ENV + " (configured: " + ring.ids() + "); keep old master keys after "
                        + "the current one until no stored key uses them"));
        byte[] data = sealed.nonceAndCiphertext();
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("signing key " + kid + " has a malformed encrypted form");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.encryptionKey(), new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            cipher.updateAAD(aad(key.id(), kid));
            byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException(
                    "signing key " + kid + " failed authentication: it was altered, or "
                            + "copied from another key's row",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static byte[] aad(String masterKeyId, String kid) {
        return ("phonepass signing key v1\0" + masterKeyId + "\0" + kid).getBytes(StandardCharsets.UTF_8);
    }
}
