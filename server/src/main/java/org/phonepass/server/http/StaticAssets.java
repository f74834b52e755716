package org.phonepass.server.http;

import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Files the server hands to browsers: {@code GET /js/phonepass.js}, the dependency-free browser SDK (js/phonepass.js
 * in the repository, packed into the jar by the server module's build). Pages load it with a classic script tag from
 * their own Phonepass server, so no CDN is involved.
 */
public final class StaticAssets {
    public static final String SDK_PATH = "/js/phonepass.js";
    static final String SDK_RESOURCE = "/org/phonepass/server/static/js/phonepass.js";

    private StaticAssets() {}

    /** The routes, for {@link EndpointSet#build}; none when the jar was built without the SDK. */
    public static List<EndpointSet.Extra> extras() {
        byte[] sdk = read(SDK_RESOURCE);
        if (sdk == null) {
            return List.of();
        }
        return List.of(new EndpointSet.Extra(HandlerType.GET, SDK_PATH, ctx -> {
            ctx.header("Cache-Control", "public, max-age=300");
            ctx.header("Access-Control-Allow-Origin", "*");
            ctx.contentType("text/javascript; charset=utf-8").result(sdk);
        }));
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
