package org.phonepass.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A raw TLS socket to a {@link TestServer}, for what an HTTP client library refuses to send: invalid header floods,
 * requests written one byte at a time, bodies that stop half way.
 */
final class RawHttps {
    private RawHttps() {}

    /**
     * What came back: the status (or -1 when the server closed without an answer), head and body; {@code cut} when the
     * connection was reset before the body its head announced had arrived (a server that refuses a request while the
     * client is still sending it closes with the rest unread, and the reset that follows may overtake the answer).
     */
    record Answer(int status, String head, String body, boolean cut) {
        boolean closedWithoutAnswer() {
            return status < 0;
        }
    }

    static SSLSocket open(TestServer server, int readTimeoutMillis) throws IOException {
        return open(server, readTimeoutMillis, null, null);
    }

    /**
     * A TLS socket from a chosen loopback address ({@code 127.0.0.2} is another client to the server than
     * {@code 127.0.0.1}), optionally with only the given TLS 1.2 cipher suites; null keeps the defaults.
     */
    static SSLSocket open(TestServer server, int readTimeoutMillis, String localAddress, String[] tls12Suites)
            throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("phonepass", server.server().tls().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket();
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            if (tls12Suites != null) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.setEnabledCipherSuites(tls12Suites);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", server.server().httpsPort()), 5_000);
            socket.setSoTimeout(readTimeoutMillis);
            socket.startHandshake();
            return socket;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the bytes at once and reads the answer until the server closes (send {@code Connection: close}). */
    static Answer exchange(TestServer server, byte[] request) throws IOException {
        try (SSLSocket socket = open(server, 20_000)) {
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The server may answer and close before a flood is fully written; read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean reset = false;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // A reset, perhaps after the answer: keep what arrived.
            reset = true;
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            // Nothing, or not even a whole status code: no answer.
            return new Answer(-1, "", text, reset);
        }
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String lowerHead = head.toLowerCase(java.util.Locale.ROOT);
        boolean cut = reset
                && (end < 0
                        || !lowerHead.contains("content-length: ")
                        || body.getBytes(StandardCharsets.UTF_8).length < contentLength(lowerHead));
        if (lowerHead.contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), head, body, cut);
    }

    private static long contentLength(String lowerHead) {
        int at = lowerHead.indexOf("content-length: ") + "content-length: ".length();
        int eol = lowerHead.indexOf("\r\n", at);
        return Long.parseLong(
                lowerHead.substring(at, eol < 0 ? lowerHead.length() : eol).trim());
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
