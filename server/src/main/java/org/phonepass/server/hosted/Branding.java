package org.phonepass.server.hosted;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.phonepass.core.client.Client;
import org.phonepass.server.config.Settings;

/**
 * The product's look on the hosted pages, from {@code hosted.*} and {@code clients[].logo_uri}
 * (docs/hosted-login.md#branding). Checked at load by SettingsValidator; this class only applies it.
 */
public final class Branding {
    private final String productName;
    private final String primaryColor;
    private final String logoUrl;
    private final Map<String, String> clientLogos;

    /** What one page shows: the product, and the app the person signs in to (null on pages for no app). */
    public record View(String productName, String logoUrl, String appName) {}

    Branding(Settings.Hosted hosted, Map<String, String> clientLogos, Assets assets) {
        this.productName = hosted.productName();
        this.primaryColor = hosted.primaryColor();
        this.clientLogos = Map.copyOf(clientLogos);
        if (hosted.logoFile() != null) {
            String name = Path.of(hosted.logoFile()).getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            this.logoUrl = assets.url("brand-logo." + name.substring(name.lastIndexOf('.') + 1));
        } else if (hosted.logoUrl() != null) {
            this.logoUrl = hosted.logoUrl();
        } else {
            this.logoUrl = assets.url("logo.svg");
        }
    }

    /** The stylesheet that carries the brand colour, served as an asset so that pages need no inline style. */
    static String css(Settings.Hosted hosted) {
        return ":root{--pp-primary:" + hosted.primaryColor() + ";}\n";
    }

    public View view(Client client) {
        if (client == null) {
            return new View(productName, logoUrl, null);
        }
        return new View(productName, clientLogos.getOrDefault(client.clientId(), logoUrl), client.name());
    }

    public String primaryColor() {
        return primaryColor;
    }

    /** The origins images may come from beside this server: those of the configured logo URLs. */
    Set<String> imageOrigins() {
        Set<String> origins = new LinkedHashSet<>();
        origin(logoUrl).ifPresent(origins::add);
        clientLogos.values().forEach(u -> origin(u).ifPresent(origins::add));
        return origins;
    }

    static java.util.Optional<String> origin(String url) {
        if (url == null || url.startsWith("/")) {
            return java.util.Optional.empty();
        }
        URI uri = URI.create(url);
        String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
        return java.util.Optional.of(uri.getScheme() + "://" + uri.getHost() + port);
    }
}
