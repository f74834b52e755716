package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** {@code GET /js/phonepass.js}: the browser SDK from the repository's js/ folder, as a script any page may load. */
class StaticAssetsTest {

    @Test
    void servesTheBrowserSdkAsJavaScript() throws Exception {
        try (TestServer server = new TestServer()) {
            Response r = server.get("/js/phonepass.js", "Origin", TestServer.SPA_ORIGIN);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/javascript");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Access-Control-Allow-Origin")).isIn("*", TestServer.SPA_ORIGIN);
            Path source = Path.of("..", "js", "phonepass.js");
            if (Files.exists(source)) {
                assertThat(r.body()).isEqualTo(Files.readString(source));
            }
            assertThat(r.body()).contains("Phonepass.prototype.startPasswordless", "Phonepass.prototype.login");
        }
    }
}
