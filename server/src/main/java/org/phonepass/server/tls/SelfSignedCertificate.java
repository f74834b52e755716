package org.phonepass.server.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The dev certificate, written out in DER by hand: a self-signed X.509 v3 certificate for an ECDSA P-256 key with a
 * subjectAltName, {@code basicConstraints} (critical, not a CA) and {@code extendedKeyUsage} serverAuth (RFC 5280,
 * sections 4.1 and 4.2.1). It replaces BouncyCastle's certificate builder on the first start, which loaded a few
 * hundred classes (its algorithm-name tables among them) for this one certificate (docs/benchmarks.md, "Start-up").
 * The result is parsed back with the JDK's {@link CertificateFactory}, so a malformed encoding fails here, at once.
 */
final class SelfSignedCertificate {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private SelfSignedCertificate() {}

    /**
     * Signs a certificate for {@code pair} (an EC P-256 key pair) naming {@code commonName} and {@code organization},
     * valid from {@code notBefore} to {@code notAfter} (both before 2050: UTCTime), for the given DNS names and IP
     * addresses (IP addresses given as literals).
     */
    static X509Certificate create(
            KeyPair pair,
            String commonName,
            String organization,
            Instant notBefore,
            Instant notAfter,
            List<String> dnsNames,
            List<String> ipAddresses)
            throws GeneralSecurityException {
        byte[] name =
                seq(set(seq(oid(COMMON_NAME), utf8(commonName))), set(seq(oid(ORGANIZATION), utf8(organization))));
        byte[] algorithm = seq(oid(ECDSA_WITH_SHA256));
        ByteArrayOutputStream altNames = new ByteArrayOutputStream();
        for (String dns : dnsNames) {
            altNames.writeBytes(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII))); // [2] dNSName, IA5String
        }
        for (String ip : ipAddresses) {
            altNames.writeBytes(tlv(0x87, ipLiteral(ip))); // [7] iPAddress, 4 or 16 octets
        }
        byte[] extensions = seq(
                seq(oid(SUBJECT_ALT_NAME), octets(tlv(0x30, altNames.toByteArray()))),
                seq(oid(BASIC_CONSTRAINTS), new byte[] {0x01, 0x01, (byte) 0xFF}, octets(seq())),
                seq(oid(EXTENDED_KEY_USAGE), octets(seq(oid(SERVER_AUTH)))));
        BigInteger serial = new BigInteger(63, new SecureRandom()).add(BigInteger.ONE);
        byte[] tbs = seq(
                tlv(0xA0, integer(BigInteger.TWO)), // [0] version: v3
                integer(serial),
                algorithm,
                name,
                seq(time(notBefore), time(notAfter)),
                name,
                pair.getPublic().getEncoded(), // SubjectPublicKeyInfo, DER already
                tlv(0xA3, extensions)); // [3] extensions
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign(); // ECDSA-Sig-Value, DER
        byte[] bits = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] ipLiteral(String ip) throws GeneralSecurityException {
        if (!ip.matches("^[0-9A-Fa-f.:]+$")) {
            throw new GeneralSecurityException("not an IP address literal: " + ip);
        }
        try {
            return InetAddress.getByName(ip).getAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new GeneralSecurityException("not an IP address literal: " + ip, e);
        }
    }

    private static byte[] time(Instant t) {
        return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] utf8(String s) {
        return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] octets(byte[] content) {
        return tlv(0x04, content);
    }

    private static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(0x06, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = 1;
        for (long v = value >>> 7; v != 0; v >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((value >>> (7 * g)) & 0x7F);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Tag, definite length (short or long form), value. */
    static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >>> 8);
            out.write(n & 0xFF);
        } else {
            out.write(0x83);
            out.write(n >>> 16);
            out.write((n >>> 8) & 0xFF);
            out.write(n & 0xFF);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
