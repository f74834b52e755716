package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.http.EndpointSet;

/**
 * The OpenAPI 3.1 document at /api/v2/openapi.json against the running API: the same routes; request schemas that
 * name exactly the fields the services accept and accept the bodies sent; and every answer of every route, success
 * and refusal, valid against the documented schema of its status (JSON Schema 2020-12, OpenAPI 3.1's dialect).
 */
class OpenApiDocumentTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestServer server;
    static JsonNode doc;
    static String admin;
    static final Set<String> exercised = new TreeSet<>();

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ManagementApiHttpTest.YAML, null);
        doc = JSON.readTree(ManagementApi.openApiDocument());
        TestServer.Response t = server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        ManagementApiHttpTest.ADMIN,
                        "client_secret",
                        ManagementApiHttpTest.ADMIN_SECRET,
                        "audience",
                        server.issuer() + "api/v2/"));
        admin = t.text("access_token");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void documentWhenComparedWithTheRouterThenTheSameRoutes() {
        Set<String> routed = new TreeSet<>();
        for (EndpointSet.Extra e : server.server().managementServices().api().routes()) {
            if (!e.path().endsWith("<rest>")) {
                routed.add(e.method().name().toLowerCase() + " " + e.path().substring(ManagementApi.BASE.length()));
            }
        }
        Set<String> documented = new TreeSet<>();
        doc.get("paths")
                .fields()
                .forEachRemaining(
                        p -> p.getValue().fieldNames().forEachRemaining(m -> documented.add(m + " " + p.getKey())));
        assertThat(documented).isEqualTo(routed);
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        // Every operation names its scope, and the scope is one the API defines.
        doc.get("paths")
                .fields()
                .forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
                    JsonNode security = op.getValue().get("security");
                    if (!p.getKey().equals("/openapi.json")) {
                        assertThat(ManagementScopes.ALL)
                                .contains(security.get(0).get("bearer").get(0).asText());
                    }
                }));
    }

    @Test
    void requestSchemasWhenComparedWithTheServicesThenTheSameFields() {
        Set<String> clientFields = new TreeSet<>(ClientManagement.FIELDS);
        clientFields.addAll(ClientManagement.IGNORED);
        assertThat(fields("ClientCreate")).isEqualTo(clientFields);
        assertThat(fields("ClientUpdate")).isEqualTo(clientFields);
        assertThat(fields("UserCreate")).isEqualTo(new TreeSet<>(UserManagement.CREATE_FIELDS));
        assertThat(fields("UserUpdate")).isEqualTo(new TreeSet<>(UserManagement.UPDATE_FIELDS));
        Set<String> top = new TreeSet<>(ConnectionManagement.TOP_FIELDS);
        top.add("options");
        assertThat(fields("ConnectionUpdate")).isEqualTo(top);
        Set<String> options = new TreeSet<>();
        doc.at("/components/schemas/ConnectionUpdate/properties/options/properties")
                .fieldNames()
                .forEachRemaining(options::add);
        assertThat(options).isEqualTo(new TreeSet<>(ConnectionManagement.OPTION_FIELDS));
    }

    private static Set<String> fields(String schema) {
        Set<String> out = new TreeSet<>();
        doc.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void answersWhenEveryRouteIsCalledThenEachMatchesItsDocumentedSchema() throws Exception {
        String phone = "+12015550777";
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

        check("get", "/openapi.json", "/openapi.json", null, null, 200);
        check("get", "/users", "/users", null, null, 200);
        check("get", "/users", "/users?include_totals=true&q=" + TestServer.enc("blocked:false"), null, admin, 200);
        check("get", "/users", "/users?q=" + TestServer.enc("name:x"), null, admin, 400);
        check("get", "/users", "/users", null, "wrong", 401);
        JsonNode created = check(
                "post",
                "/users",
                "/users",
                Map.of("phone_number", "+12015550778", "user_metadata", Map.of("a", 1)),
                admin,
                201);
        check("post", "/users", "/users", Map.of("phone_number", "+12015550778"), admin, 409);
        String id = TestServer.enc(created.get("user_id").asText());
        check("get", "/users/{id}", "/users/" + id, null, admin, 200);
        check("get", "/users/{id}", "/users/" + TestServer.enc("sms|ffffffffffffffffffffffff"), null, admin, 404);
        check(
                "patch",
                "/users/{id}",
                "/users/" + id,
                Map.of("blocked", true, "app_metadata", Map.of("r", "x")),
                admin,
                200);
        check("get", "/users/{id}/logs", "/users/" + id + "/logs", null, admin, 200);
        check("get", "/users/{id}/logs", "/users/" + id + "/logs?include_totals=true", null, admin, 200);
        check("delete", "/users/{id}", "/users/" + id, null, admin, 204);

        check("get", "/clients", "/clients", null, admin, 200);
        check("get", "/clients", "/clients?include_totals=true&per_page=2", null, admin, 200);
        JsonNode client = check(
                "post",
                "/clients",
                "/clients",
                Map.of(
                        "name",
                        "Doc",
                        "app_type",
                        "regular_web",
                        "callbacks",
                        List.of("https://doc.example.com/cb"),
                        "jwt_configuration",
                        Map.of("lifetime_in_seconds", 3600)),
                admin,
                201);
        String cid = client.get("client_id").asText();
        check("get", "/clients/{id}", "/clients/" + cid, null, admin, 200);
        check(
                "patch",
                "/clients/{id}",
                "/clients/" + cid,
                Map.of("name", "Doc 2", "refresh_token", Map.of("rotation_type", "non-rotating")),
                admin,
                200);
        check("post", "/clients/{id}/rotate-secret", "/clients/" + cid + "/rotate-secret", null, admin, 200);
        check("delete", "/clients/{id}", "/clients/" + cid, null, admin, 204);
        check("get", "/clients/{id}", "/clients/" + cid, null, admin, 404);
        check("post", "/clients", "/clients", Map.of("name", "x", "app_type", "bad"), admin, 400);

        check("get", "/connections", "/connections", null, admin, 200);
        check("get", "/connections/{id}", "/connections/con_sms", null, admin, 200);
        check(
                "patch",
                "/connections/{id}",
                "/connections/con_sms",
                Map.of("options", Map.of("disable_signup", false, "totp", Map.of("length", 6))),
                admin,
                200);
        check("get", "/connections/{id}", "/connections/con_x", null, admin, 404);

        JsonNode logs = check("get", "/logs", "/logs", null, admin, 200);
        check("get", "/logs", "/logs?include_totals=true&q=type:s", null, admin, 200);
        check("get", "/logs", "/logs?from=0&take=5", null, admin, 200);
        check("get", "/logs/{id}", "/logs/" + logs.get(0).get("log_id").asText(), null, admin, 200);
        check("get", "/logs/{id}", "/logs/0", null, admin, 404);

        check("get", "/stats/daily", "/stats/daily", null, admin, 200);
        check("get", "/stats/active-users", "/stats/active-users", null, admin, 200);

        Set<String> documented = new TreeSet<>();
        doc.get("paths")
                .fields()
                .forEachRemaining(
                        p -> p.getValue().fieldNames().forEachRemaining(m -> documented.add(m + " " + p.getKey())));
        assertThat(exercised).isEqualTo(documented);
    }

    /** Sends a request, checks the body against the request schema and the answer against the response schema. */
    private static JsonNode check(String method, String path, String url, Object body, String token, int status)
            throws Exception {
        JsonNode op = doc.get("paths").get(path).get(method);
        assertThat(op).as(method + " " + path + " is documented").isNotNull();
        HttpRequest.Builder r = server.request("/api/v2" + url);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        } else if (!path.equals("/openapi.json")) {
            r.header("Authorization", "Bearer " + admin);
        }
        if (body != null) {
            JsonNode sent = JSON.valueToTree(body);
            if (status < 400) {
                assertValid(
                        op.at("/requestBody/content/application~1json/schema"), sent, method + " " + path + " request");
            }
            r.header("Content-Type", "application/json")
                    .method(method.toUpperCase(), HttpRequest.BodyPublishers.ofString(sent.toString()));
        } else {
            r.method(method.toUpperCase(), HttpRequest.BodyPublishers.noBody());
        }
        TestServer.Response answer = server.send(r);
        assertThat(answer.status())
                .as(method + " " + url + ": " + answer.body())
                .isEqualTo(status);
        JsonNode response = op.get("responses").get(Integer.toString(status));
        assertThat(response).as(method + " " + path + " documents " + status).isNotNull();
        JsonNode schema = response.at("/content/application~1json/schema");
        JsonNode got = answer.body().isEmpty() ? null : JSON.readTree(answer.body());
        if (schema.isMissingNode()) {
            assertThat(answer.body()).as("no body documented for " + status).isEmpty();
        } else {
            assertValid(schema, got, method + " " + path + " " + status);
        }
        exercised.add(method + " " + path);
        return got;
    }

    private static void assertValid(JsonNode schema, JsonNode value, String what) {
        JsonNode resolved = inline(schema.deepCopy());
        JsonSchema compiled =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(resolved);
        Set<ValidationMessage> errors = compiled.validate(value);
        assertThat(errors).as(what + ": " + value).isEmpty();
    }

    /** Replaces each {@code $ref} to a component schema with the schema itself. */
    private static JsonNode inline(JsonNode node) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                String name = ref.asText().substring("#/components/schemas/".length());
                return inline(doc.at("/components/schemas/" + name).deepCopy());
            }
            ObjectNode o = (ObjectNode) node;
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(inline(e.getValue()));
            }
            return o;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, inline(node.get(i)));
            }
        }
        return node;
    }
}
