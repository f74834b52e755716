package org.phonepass.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between a client and the test Redis whose way to Redis can be held shut: what the client sends meanwhile
 * waits in the relay, and reaches Redis in order when the gate opens. It makes a write late, or lost, without
 * pausing the Redis that other test runs on the machine share ({@code CLIENT PAUSE} would pause them too).
 */
final class GatedProxy implements AutoCloseable {
    private final String redisHost;
    private final int redisPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean open = true;
    private volatile boolean closed;

    GatedProxy(String redisUrl) throws IOException {
        URI uri = URI.create(redisUrl);
        this.redisHost = uri.getHost();
        this.redisPort = uri.getPort() < 0 ? 6379 : uri.getPort();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "gated-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code redisUrl} with the host and port of this relay instead of Redis's. */
    static String through(String redisUrl, GatedProxy proxy) {
        URI uri = URI.create(redisUrl);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return redisUrl.replaceFirst(
                java.util.regex.Pattern.quote(uri.getHost() + port), "127.0.0.1:" + proxy.server.getLocalPort());
    }

    /** Holds what clients send from now on, until {@link #release()}. */
    void hold() {
        synchronized (gate) {
            open = false;
        }
    }

    void release() {
        synchronized (gate) {
            open = true;
            gate.notifyAll();
        }
    }

    /** Cuts every connection and refuses new ones: Redis is unreachable from the client's side. */
    @Override
    public void close() {
        closed = true;
        release();
        closeQuietly(server);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket(redisHost, redisPort);
                sockets.add(client);
                sockets.add(redis);
                pump(client, redis, true);
                pump(redis, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean gated) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            if (gated) {
                                awaitOpen();
                            }
                            if (closed) {
                                return;
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // The connection ended (or close() cut it).
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "gated-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (!open) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing on the way out; nothing to do.
        }
    }
}
