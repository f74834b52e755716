package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Checks the container image tarball that Jib built ({@code -Pimage}, see server/pom.xml): it is a loadable
 * {@code docker load} archive whose manifest names a config and layers that are all present, whose entrypoint
 * starts {@code org.phonepass.server.Main}, and whose layers hold the server's classes and every Phonepass module.
 * Runs only in that profile, after the image is built (its name does not match the default test pattern).
 */
class ImageTarballCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tarballHoldsTheApplicationAndStartsMain() throws IOException {
        String location = System.getProperty("phonepass.image.tar");
        assertThat(location)
                .as("system property phonepass.image.tar (set by the image profile)")
                .isNotBlank();
        Path tar = Path.of(location);
        assertThat(tar).exists();

        Map<String, byte[]> entries = readTar(
                Files.newInputStream(tar),
                name -> name.endsWith(".json") || name.endsWith(".tar.gz") || name.endsWith(".tar"));
        JsonNode manifest = JSON.readTree(entries.get("manifest.json"));
        assertThat(manifest.isArray()).isTrue();
        JsonNode image = manifest.get(0);
        assertThat(image.get("RepoTags").get(0).asText()).startsWith("phonepass:");

        JsonNode config = JSON.readTree(entries.get(image.get("Config").asText()));
        String entrypoint = config.get("config").get("Entrypoint").toString();
        assertThat(entrypoint).contains("java").contains("org.phonepass.server.Main");
        assertThat(config.get("config").get("User").asText()).isEqualTo("65532:65532");
        // The environment docs/deployment.md's unit gives the server too (two malloc arenas).
        assertThat(config.get("config").get("Env").toString()).contains("MALLOC_ARENA_MAX=2");

        Set<String> files = new HashSet<>();
        for (JsonNode layer : image.get("Layers")) {
            byte[] blob = entries.get(layer.asText());
            assertThat(blob)
                    .as("layer " + layer.asText() + " is in the tarball")
                    .isNotNull();
            InputStream in = new java.io.ByteArrayInputStream(blob);
            if (layer.asText().endsWith(".gz") || (blob.length > 2 && blob[0] == 0x1f && blob[1] == (byte) 0x8b)) {
                in = new GZIPInputStream(in);
            }
            files.addAll(readTar(in, name -> false).keySet());
        }
        assertThat(files).anyMatch(f -> f.endsWith("app/classes/org/phonepass/server/Main.class"));
        for (String module : new String[] {"core", "store-sql", "store-redis", "sms", "limits"}) {
            assertThat(files)
                    .as("module " + module)
                    .anyMatch(f -> f.matches(".*app/libs/phonepass-" + module + "-[^/]+\\.jar"));
        }
        // The PostgreSQL migrations travel inside the store-sql jar, and the logging setup with the classes: the
        // configurator and the service file through which Logback finds it.
        assertThat(files).anyMatch(f -> f.endsWith("app/classes/org/phonepass/server/LogbackDefaults.class"));
        assertThat(files)
                .anyMatch(f -> f.endsWith("app/resources/META-INF/services/ch.qos.logback.classic.spi.Configurator"));
        assertThat(files).anyMatch(f -> f.matches(".*app/libs/lettuce-core-[^/]+\\.jar"));
    }

    /** Names of every entry, with the content of those {@code keep} accepts. Handles ustar prefixes and pax paths. */
    private static Map<String, byte[]> readTar(InputStream raw, java.util.function.Predicate<String> keep)
            throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (InputStream in = raw) {
            byte[] header = new byte[512];
            String paxPath = null;
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) {
                    break;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = Long.parseLong(
                        field(header, 124, 12).trim().isEmpty()
                                ? "0"
                                : field(header, 124, 12).trim(),
                        8);
                char type = (char) header[156];
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxPath = paxValue(new String(data, StandardCharsets.UTF_8), "path");
                    continue;
                }
                if (type == 'L') {
                    paxPath = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (paxPath != null) {
                    name = paxPath;
                    paxPath = null;
                }
                if (name.startsWith("./")) {
                    name = name.substring(2);
                }
                out.put(name, keep.test(name) ? data : new byte[0]);
            }
        }
        return out;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String paxValue(String records, String key) {
        for (String line : records.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.substring(space + 1).startsWith(key + "=")) {
                return line.substring(space + 1 + key.length() + 1);
            }
        }
        return null;
    }
}
