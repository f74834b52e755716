package org.phonepass.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
    @TempDir
    Path dir;

    @Test
    void devCertificateIsWrittenAsPemOnceAndReadBackUnchanged() throws Exception {
        TlsMaterial first = TlsMaterial.devCertificate(dir, List.of());
        assertThat(first.generated()).isTrue();
        assertThat(first.selfSigned()).isTrue();
        assertThat(Files.readString(dir.resolve("dev-tls.crt"))).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Files.readString(dir.resolve("dev-tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("dev-tls.key"))))
                .isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("dev-tls.crt", "dev-tls.key");
        }

        TlsMaterial second = TlsMaterial.devCertificate(dir, List.of());
        assertThat(second.certificate().getEncoded())
                .isEqualTo(first.certificate().getEncoded());
        assertKeyMatchesCertificate(second);
    }

    @Test
    void devCertificateWhenGeneratedThenSelfSignedServerCertificateForLocalhostAndLoopback() throws Exception {
        X509Certificate cert = TlsMaterial.devCertificate(dir, List.of("phonepass.test", "192.0.2.7"))
                .certificate();

        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        // RFC 2253 writes the last name component first: the certificate holds CN=localhost, then O=...
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("O=Phonepass development,CN=localhost");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey()); // signed by its own key
        cert.checkValidity();
        assertThat(cert.getNotAfter().toInstant())
                .isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(364)));
        assertThat(cert.getSerialNumber().signum()).isPositive();
        // Not a CA, critical as RFC 5280 asks; for TLS servers only.
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getCriticalExtensionOIDs()).containsExactly("2.5.29.19");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        // subjectAltName: type 2 is a DNS name, type 7 an IP address.
        assertThat(cert.getSubjectAlternativeNames())
                .extracting(n -> n.get(0) + "=" + n.get(1))
                .containsExactlyInAnyOrder(
                        "2=localhost", "2=phonepass.test", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1", "7=192.0.2.7");
        // The JDK's PKIX checks for a TLS server certificate (key usage, extended key usage) accept it.
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("dev", cert);
        tmf.init(trust);
        javax.net.ssl.X509TrustManager tm = (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
        tm.checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
    }

    @Test
    void aLegacyPkcs12DevCertificateIsKeptAndRewrittenAsPem() throws Exception {
        TlsMaterial generated = TlsMaterial.devCertificate(dir.resolve("source"), List.of());
        PrivateKey key = (PrivateKey) generated.keyStore().getKey(TlsMaterial.ALIAS, generated.password());
        KeyStore legacy = KeyStore.getInstance("PKCS12");
        legacy.load(null, null);
        legacy.setKeyEntry("phonepass", key, "s3cret".toCharArray(), new Certificate[] {generated.certificate()});
        Path folder = dir.resolve("tls");
        Files.createDirectories(folder);
        try (OutputStream out = Files.newOutputStream(folder.resolve("dev-tls.p12"))) {
            legacy.store(out, "s3cret".toCharArray());
        }
        Files.writeString(folder.resolve("dev-tls.password"), "s3cret\n");

        TlsMaterial migrated = TlsMaterial.devCertificate(folder, List.of());

        assertThat(migrated.certificate().getEncoded())
                .isEqualTo(generated.certificate().getEncoded());
        assertKeyMatchesCertificate(migrated);
        assertThat(folder.resolve("dev-tls.p12")).doesNotExist();
        assertThat(folder.resolve("dev-tls.password")).doesNotExist();
        assertThat(TlsMaterial.devCertificate(folder, List.of()).certificate().getEncoded())
                .isEqualTo(generated.certificate().getEncoded());
    }

    @Test
    void aDamagedDevKeyFileIsReportedNotReplacedSilently() throws Exception {
        TlsMaterial.devCertificate(dir, List.of());
        Files.writeString(dir.resolve("dev-tls.key"), "not a key\n");
        assertThatThrownBy(() -> TlsMaterial.devCertificate(dir, List.of()))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("dev-tls.key");
    }

    @Test
    void pemFilesOfTheOperatorAreLoadedWithTheirChain() throws Exception {
        TlsMaterial dev = TlsMaterial.devCertificate(dir, List.of("phonepass.test"));
        TlsMaterial loaded = TlsMaterial.fromPem(dir.resolve("dev-tls.crt"), dir.resolve("dev-tls.key"));
        assertThat(loaded.generated()).isFalse();
        assertThat(loaded.certificate().getEncoded())
                .isEqualTo(dev.certificate().getEncoded());
        assertThat(loaded.certificate().getSubjectAlternativeNames())
                .extracting(n -> (Object) n.get(1))
                .contains((Object) "localhost", "phonepass.test");
        assertKeyMatchesCertificate(loaded);
    }

    private static void assertKeyMatchesCertificate(TlsMaterial tls) throws Exception {
        PrivateKey key = (PrivateKey) tls.keyStore().getKey(TlsMaterial.ALIAS, tls.password());
        X509Certificate cert = (X509Certificate) tls.keyStore().getCertificate(TlsMaterial.ALIAS);
        // The dev certificate is ECDSA P-256; an operator's may be RSA (docs/deployment.md).
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).isTrue();
    }

    /** The server's TLS context trusts no client certificate (it asks for none) and so never reads the JDK's roots. */
    @Test
    void noClientCertificatesWhenUsedAsTrustStoreThenTrustsNothing() throws Exception {
        java.security.KeyStore empty = TlsMaterial.noClientCertificates();
        assertThat(empty.size()).isZero();
        javax.net.ssl.TrustManagerFactory trust =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(empty);
        assertThat(trust.getTrustManagers())
                .singleElement()
                .isInstanceOfSatisfying(
                        javax.net.ssl.X509TrustManager.class,
                        m -> assertThat(m.getAcceptedIssuers()).isEmpty());
    }
}
