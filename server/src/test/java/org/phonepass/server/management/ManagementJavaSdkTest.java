package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.client.auth.AuthAPI;
import com.auth0.client.mgmt.ManagementAPI;
import com.auth0.client.mgmt.filter.LogEventFilter;
import com.auth0.client.mgmt.filter.UserFilter;
import com.auth0.exception.APIException;
import com.auth0.json.mgmt.client.Client;
import com.auth0.json.mgmt.logevents.LogEvent;
import com.auth0.json.mgmt.users.User;
import com.auth0.net.client.DefaultHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;

/**
 * The unmodified Auth0 Java SDK ({@code com.auth0:auth0}: {@code AuthAPI} for the client_credentials token,
 * {@code ManagementAPI} for the calls, over its own OkHttp client) drives the Management API of a running server.
 * The JVM's trust store names the server's certificate for the duration of the test, as an operator's would name
 * their CA.
 */
class ManagementJavaSdkTest {
    static TestServer server;
    static Path trustStore;
    static String previousTrustStore;
    static String previousPassword;
    static String previousType;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ManagementApiHttpTest.YAML, null);
        trustStore = Files.createTempFile("phonepass-trust", ".p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("phonepass", server.server().tls().certificate());
        try (var out = Files.newOutputStream(trustStore)) {
            ks.store(out, "changeit".toCharArray());
        }
        previousTrustStore = System.getProperty("javax.net.ssl.trustStore");
        previousPassword = System.getProperty("javax.net.ssl.trustStorePassword");
        previousType = System.getProperty("javax.net.ssl.trustStoreType");
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    @AfterAll
    static void stop() throws Exception {
        restore("javax.net.ssl.trustStore", previousTrustStore);
        restore("javax.net.ssl.trustStorePassword", previousPassword);
        restore("javax.net.ssl.trustStoreType", previousType);
        Files.deleteIfExists(trustStore);
        server.close();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void javaManagementApiWhenDrivingTheApiThenEveryCallWorksAsOnAuth0() throws Exception {
        String phone = "+12015559877";
        String code = server.startAndReadCode(TestServer.SPA, phone);
        server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        TestServer.SPA,
                        "realm",
                        "sms",
                        "username",
                        phone,
                        "otp",
                        code));
        server.server().auditEvents().flush(Duration.ofSeconds(5));

        String domain = "localhost:" + server.server().httpsPort();
        DefaultHttpClient http =
                DefaultHttpClient.newBuilder().withMaxRetries(0).build();
        String token = AuthAPI.newBuilder(domain, ManagementApiHttpTest.ADMIN, ManagementApiHttpTest.ADMIN_SECRET)
                .withHttpClient(http)
                .build()
                .requestToken(server.issuer() + "api/v2/")
                .execute()
                .getBody()
                .getAccessToken();
        ManagementAPI mgmt =
                ManagementAPI.newBuilder(domain, token).withHttpClient(http).build();

        List<User> found = mgmt.users()
                .list(new UserFilter()
                        .withQuery("phone_number:\"" + phone + "\"")
                        .withSearchEngine("v3"))
                .execute()
                .getBody()
                .getItems();
        assertThat(found).hasSize(1);
        String id = found.get(0).getId();
        assertThat(mgmt.users().get(id, null).execute().getBody().getPhoneNumber())
                .isEqualTo(phone);

        User block = new User();
        block.setBlocked(true);
        assertThat(mgmt.users().update(id, block).execute().getBody().isBlocked())
                .isTrue();

        List<LogEvent> logs =
                mgmt.users().getLogEvents(id, null).execute().getBody().getItems();
        assertThat(logs).extracting(LogEvent::getType).contains("s", "sapi");
        List<LogEvent> all = mgmt.logEvents()
                .list(new LogEventFilter().withPage(0, 20).withQuery("type:cs"))
                .execute()
                .getBody()
                .getItems();
        assertThat(all).isNotEmpty().allSatisfy(l -> assertThat(l.getType()).isEqualTo("cs"));

        Client draft = new Client("Made by the Java SDK");
        draft.setAppType("spa");
        draft.setCallbacks(List.of("https://java.example.com/callback"));
        Client created = mgmt.clients().create(draft).execute().getBody();
        assertThat(created.getClientId()).isNotBlank();
        Client rename = new Client("Renamed by Java");
        Client renamed =
                mgmt.clients().update(created.getClientId(), rename).execute().getBody();
        assertThat(renamed.getName()).isEqualTo("Renamed by Java");
        assertThat(mgmt.clients().list(null).execute().getBody().getItems())
                .extracting(Client::getClientId)
                .contains(created.getClientId(), ManagementApiHttpTest.ADMIN);
        mgmt.clients().delete(created.getClientId()).execute();
        assertThatThrownBy(() -> mgmt.clients().get(created.getClientId()).execute())
                .isInstanceOfSatisfying(
                        APIException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));

        mgmt.users().delete(id).execute();
        assertThatThrownBy(() -> mgmt.users().get(id, null).execute()).isInstanceOfSatisfying(APIException.class, e -> {
            assertThat(e.getStatusCode()).isEqualTo(404);
            assertThat(e.getError()).isEqualTo("inexistent_user");
        });
        // A scope the client lacks: the SDK surfaces Auth0's 403.
        String readerToken = AuthAPI.newBuilder(
                        domain, ManagementApiHttpTest.READER, ManagementApiHttpTest.READER_SECRET)
                .withHttpClient(http)
                .build()
                .requestToken(server.issuer() + "api/v2/")
                .execute()
                .getBody()
                .getAccessToken();
        ManagementAPI reader = ManagementAPI.newBuilder(domain, readerToken)
                .withHttpClient(http)
                .build();
        assertThatThrownBy(() -> reader.clients().list(null).execute())
                .isInstanceOfSatisfying(APIException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getError()).isEqualTo("insufficient_scope");
                });
    }
}
