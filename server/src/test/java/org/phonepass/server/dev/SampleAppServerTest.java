package org.phonepass.server.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.server.TestServer;

/** The dev-mode origin that serves the sample SPA. */
class SampleAppServerTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void devServerWhenSampleFolderExistsThenServesItWithGeneratedVariables() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("index.html"), "<!doctype html><title>sample</title>");
        Files.writeString(app.resolve("auth0-variables.js"), "var AUTH0_DOMAIN = 'elsewhere:1';");
        Files.writeString(dir.resolve("secret.txt"), "outside");
        String yaml = TestServer.DEFAULT_YAML.replace(
                "  sample_app: false\n",
                "  sample_app: true\n" + "  sample_app_port: 0\n  sample_app_dir: " + app + "\n");
        try (TestServer server = new TestServer(yaml, null)) {
            SampleAppServer sample = server.server().sampleApp();
            assertThat(sample).isNotNull();
            int port = sample.port();
            HttpResponse<String> index = get(port, "/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(t -> t.startsWith("text/html"));
            assertThat(index.body()).contains("<title>sample</title>");
            HttpResponse<String> variables = get(port, "/auth0-variables.js");
            assertThat(variables.body())
                    .contains("var AUTH0_DOMAIN = 'localhost:" + server.server().httpsPort() + "'")
                    .contains("var AUTH0_CLIENT_ID = 'phonepass-dev'");
            assertThat(get(port, "/../secret.txt").statusCode()).isEqualTo(404);
            assertThat(get(port, "/%2e%2e/secret.txt").statusCode()).isEqualTo(404);
            assertThat(get(port, "/missing.js").statusCode()).isEqualTo(404);
            assertThat(sample.librariesBuilt()).isFalse();
            // The dev client allows this origin, so the page's calls pass the server's CORS check.
            assertThat(server.get("/user/geoloc/country", "Origin", "http://localhost:3000")
                            .header("Access-Control-Allow-Origin"))
                    .isEqualTo("http://localhost:3000");
        }
    }

    @Test
    void devServerWhenFolderMissingThenNoSampleAppAndServerStillRuns() {
        String yaml = TestServer.DEFAULT_YAML.replace(
                "  sample_app: false\n",
                "  sample_app: true\n" + "  sample_app_port: 0\n  sample_app_dir: " + dir.resolve("nope") + "\n");
        try (TestServer server = new TestServer(yaml, null)) {
            assertThat(server.server().sampleApp()).isNull();
            assertThat(server.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void sampleWithItsOwnPackageJsonWhenNodeModulesMissingThenNotBuiltAndTheBannerNamesNpmCi() throws Exception {
        Path app = Files.createDirectories(dir.resolve("spa"));
        Files.writeString(app.resolve("package.json"), "{}");
        try (SampleAppServer sample = SampleAppServer.start(app, 0, "localhost:8443", "phonepass-dev")) {
            assertThat(sample.librariesBuilt()).isFalse();
            assertThat(sample.librariesCommand()).isEqualTo("npm ci --prefix " + app.toAbsolutePath());
            Files.createDirectories(app.resolve("node_modules"));
            assertThat(sample.librariesBuilt()).isTrue();
        }
    }

    @Test
    void spaJsSampleSettingsFileWhenLoadedThenDevModeServingThatFolder() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        org.phonepass.server.config.Settings settings = new org.phonepass.server.config.ConfigLoader()
                .load(repo.resolve("examples/spa-js-sms/phonepass.yaml"), java.util.Map.of());
        assertThat(settings.isProduction()).isFalse();
        assertThat(settings.dev().sampleAppDir()).isEqualTo("examples/spa-js-sms");
        assertThat(settings.dev().sampleAppPort()).isEqualTo(3000);
        assertThat(repo.resolve(settings.dev().sampleAppDir()).resolve("index.html"))
                .isRegularFile();
    }
}
