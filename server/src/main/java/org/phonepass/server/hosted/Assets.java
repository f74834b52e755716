package org.phonepass.server.hosted;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The files the hosted pages load, served from the jar under {@code /u/assets/}: each URL carries a hash of the
 * file's bytes ({@code hosted.3f2a9c1b.css}), so a browser may keep it for a year and a new release is fetched at
 * once. Nothing is loaded from another site.
 */
public final class Assets {
    public static final String PREFIX = "/u/assets/";
    private static final String FOLDER = "/org/phonepass/server/hosted/assets/";

    /** One served file. */
    record Asset(String url, String contentType, byte[] bytes) {}

    private final Map<String, Asset> byName = new LinkedHashMap<>();
    private final Map<String, Asset> byUrl = new LinkedHashMap<>();

    /**
     * @param brandCss the stylesheet made from the branding settings
     * @param logoFile the operator's logo file, or null
     */
    Assets(String brandCss, Path logoFile) {
        add("hosted.css", read(FOLDER + "hosted.css"));
        add("hosted.js", read(FOLDER + "hosted.js"));
        add("logo.svg", read(FOLDER + "logo.svg"));
        add("brand.css", brandCss.getBytes(StandardCharsets.UTF_8));
        if (logoFile != null) {
            String name = logoFile.getFileName().toString().toLowerCase(Locale.ROOT);
            String ext = name.substring(name.lastIndexOf('.') + 1);
            try {
                add("brand-logo." + ext, Files.readAllBytes(logoFile));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read hosted.logo_file " + logoFile, e);
            }
        }
    }

    private void add(String name, byte[] bytes) {
        int dot = name.lastIndexOf('.');
        String ext = name.substring(dot + 1);
        String url = PREFIX + name.substring(0, dot) + "." + hash(bytes) + "." + ext;
        Asset asset = new Asset(url, contentType(ext), bytes);
        byName.put(name, asset);
        byUrl.put(url, asset);
    }

    /** The versioned URL of a file, by its plain name ({@code hosted.css}); null when there is none. */
    public String url(String name) {
        Asset a = byName.get(name);
        return a == null ? null : a.url();
    }

    /** {@code GET /u/assets/{file}}: the file, cached for a year; 404 for any other name. */
    void serve(Context ctx) {
        Asset asset = byUrl.get(ctx.path());
        if (asset == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found");
            return;
        }
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    private static String contentType(String ext) {
        return switch (ext) {
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            // An SVG opened on its own keeps the server-wide CSP (default-src none): a script in it cannot run.
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "webp" -> "image/webp";
            case "jpg", "jpeg" -> "image/jpeg";
            default -> "application/octet-stream";
        };
    }

    private static String hash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " (is the jar complete?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
