package org.phonepass.store.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keys that encrypt signing keys at rest: the first is current and encrypts; the others only decrypt
 * what was encrypted before a rotation.
 *
 * <p>Written as base64 of 32 random bytes each ({@code openssl rand -base64 32}), separated by commas or
 * whitespace, newest first. A key's id is derived from the key, so an operator never has to name keys and an id can
 * never be paired with the wrong key. The ids are stored beside each ciphertext; they reveal nothing about a key.
 *
 * <p>Rotating: put the new key first and keep the old one after it. New signing keys are encrypted with the new
 * key at once; old signing keys stay readable with the old one until the normal signing-key rotation retires and
 * deletes them. When {@link EncryptingSigningKeyStore#masterKeysInUse()} no longer lists the old id, remove it.
 */
public final class MasterKeyRing {
    /** The environment variable holding the keys. */
    public static final String ENV = "PHONEPASS_MASTER_KEY";
    /** The environment variable naming a file that holds the keys (for secrets mounted as files). */
    public static final String FILE_ENV = "PHONEPASS_MASTER_KEY_FILE";

    static final int KEY_BYTES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyRing.class);

    /** One master key: its derived id and the AES key derived from it. */
    record MasterKey(String id, SecretKey encryptionKey) {
        @Override
        public String toString() {
            return "MasterKey[" + id + "]";
        }
    }

    private final List<MasterKey> keys;
    private final Map<String, MasterKey> byId;

    private MasterKeyRing(List<MasterKey> keys) {
        this.keys = List.copyOf(keys);
        Map<String, MasterKey> map = new LinkedHashMap<>();
        for (MasterKey k : keys) {
            if (map.putIfAbsent(k.id(), k) != null) {
                throw new IllegalArgumentException("master key " + k.id() + " is listed twice");
            }
        }
        this.byId = Collections.unmodifiableMap(map);
    }

    /** Parses base64 keys separated by commas or whitespace, newest first. */
    public static MasterKeyRing parse(String text) {
        List<MasterKey> keys = new ArrayList<>();
        int position = 0;
        for (String part : text == null ? new String[0] : text.trim().split("[,\\s]+")) {
            position++;
            if (part.isEmpty()) {
                continue;
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(part);
            } catch (IllegalArgumentException e) {
                // Never echo the text: it is a secret, even when malformed.
                throw new IllegalArgumentException("master key #" + position + " is not base64", null);
            }
            if (raw.length != KEY_BYTES) {
                throw new IllegalArgumentException("master key #" + position + " must be " + KEY_BYTES
                        + " bytes (openssl rand -base64 32), not " + raw.length);
            }
            keys.add(derive(raw));
            Arrays.fill(raw, (byte) 0);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no master key given");
        }
        return new MasterKeyRing(keys);
    }

    /** Reads the keys from a file; warns when people other than the owner may read it. */
    public static MasterKeyRing fromFile(Path file) {
        try {
            warnIfReadableByOthers(file);
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + file + ")", null);
        }
    }

    /**
     * The keys from {@value #ENV}, or from the file named by {@value #FILE_ENV}; empty when neither is set. Both at
     * once is refused: which one wins would be a guess.
     *
     * @param env the process environment, {@code System.getenv()}
     */
    public static Optional<MasterKeyRing> fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        String file = env.get(FILE_ENV);
        boolean hasValue = value != null && !value.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasValue && hasFile) {
            throw new IllegalArgumentException("set " + ENV + " or " + FILE_ENV + ", not both");
        }
        if (hasValue) {
            try {
                return Optional.of(parse(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV + ": " + e.getMessage(), null);
            }
        }
        return hasFile ? Optional.of(fromFile(Path.of(file.trim()))) : Optional.empty();
    }

    /** The key new ciphertexts use. */
    MasterKey current() {
        return keys.get(0);
    }

    Optional<MasterKey> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The ids, current first. */
    public List<String> ids() {
        return keys.stream().map(MasterKey::id).toList();
    }

    public String currentId() {
        return current().id();
    }

    @Override
    public String toString() {
        return "MasterKeyRing" + ids();
    }

    /**
     * Two independent values from one master key, by HMAC with distinct labels: the id can be published without
     * saying anything about the AES key, and the AES key is not the operator's bytes themselves, so a master key
     * mistakenly reused elsewhere (say as the code HMAC secret) does not also become this AES key.
     */
    private static MasterKey derive(byte[] raw) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            byte[] id = mac.doFinal("phonepass master key id v1".getBytes(StandardCharsets.US_ASCII));
            byte[] aes = mac.doFinal("phonepass signing key encryption v1".getBytes(StandardCharsets.US_ASCII));
            return new MasterKey(HexFormat.of().formatHex(id, 0, 8), new SecretKeySpec(aes, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                // A warning, not a refusal: mounted container secrets are often 0644 inside a private namespace.
                LOG.warn("master key file {} is readable by group or others; chmod 600 it", file);
            }
        } catch (UnsupportedOperationException notPosix) {
            // Windows and friends: nothing portable to check.
        }
    }
}
