package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;
import picocli.CommandLine;

/**
 * {@code phonepass rotate-keys} beside a running server: the new key is published before it signs, tokens the old
 * key signed keep verifying after the switch, and the old key leaves the JWKS once its tokens have expired.
 */
class KeyRotationTest {

    private static String kid(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getHeader().getKeyID();
    }

    private static List<String> publishedKids(TestServer server) {
        Response jwks = server.get("/.well-known/jwks.json");
        List<String> kids = new ArrayList<>();
        jwks.json().get("keys").forEach(k -> kids.add(k.get("kid").asText()));
        return kids;
    }

    private static int rotate(TestServer server, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "rotate-keys",
                "--config",
                server.dataDir().resolve("settings.yaml").toString()));
        args.addAll(List.of(options));
        return new CommandLine(new Main()).execute(args.toArray(String[]::new));
    }

    @Test
    void rotateKeysWhenRunBesideAServerThenPublishedFirstSignsLaterAndOldTokensKeepVerifying() throws Exception {
        try (TestServer server = new TestServer()) {
            String oldKid = server.server().signer().currentKid();
            String oldIdToken =
                    server.login(TestServer.SPA, "+12015550190", "openid").text("id_token");
            assertThat(kid(oldIdToken)).isEqualTo(oldKid);

            assertThat(rotate(server, "--publish-ahead", "1h")).isZero();
            // What housekeeping does every minute on every node.
            server.server().signer().reload();

            List<String> kids = publishedKids(server);
            assertThat(kids).hasSize(2).contains(oldKid);
            String newKid =
                    kids.stream().filter(k -> !k.equals(oldKid)).findFirst().orElseThrow();
            // Published, but not signing yet: resource servers get an hour to fetch it.
            assertThat(server.server().signer().currentKid()).isEqualTo(oldKid);
            assertThat(kid(server.login(TestServer.SPA, "+12015550191", "openid")
                            .text("id_token")))
                    .isEqualTo(oldKid);

            server.clock.advance(Duration.ofMinutes(61));
            server.server().signer().reload();
            assertThat(server.server().signer().currentKid()).isEqualTo(newKid);
            String newIdToken =
                    server.login(TestServer.SPA, "+12015550192", "openid").text("id_token");
            assertThat(kid(newIdToken)).isEqualTo(newKid);

            // The token the old key signed still verifies, at the server and against the published JWKS.
            Response info = server.postForm("/tokeninfo", map("id_token", oldIdToken));
            assertThat(info.status()).as(info.body()).isEqualTo(200);
            assertThat(info.text("phone_number")).isEqualTo("+12015550190");
            new JwtConsumerBuilder()
                    .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(
                                    server.get("/.well-known/jwks.json").body())
                            .getJsonWebKeys()))
                    .setExpectedIssuer(server.issuer())
                    .setExpectedAudience(TestServer.SPA)
                    .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(server.clock.millis()))
                    .build()
                    .processToClaims(oldIdToken);
            assertThat(publishedKids(server)).containsExactlyInAnyOrder(oldKid, newKid);

            // Retention: the longest token lifetime (here the API's access tokens) plus a day after the switch.
            Duration retention = SignerFactory.retention(server.server().settings());
            assertThat(retention).isGreaterThanOrEqualTo(Duration.ofHours(34));
            server.clock.advance(retention.minusMinutes(1));
            server.server().signer().reload();
            assertThat(publishedKids(server)).containsExactlyInAnyOrder(oldKid, newKid);
            server.clock.advance(Duration.ofMinutes(2));
            server.server().signer().reload();
            assertThat(publishedKids(server)).containsExactly(newKid);
            assertThat(server.postForm("/tokeninfo", map("id_token", oldIdToken))
                            .status())
                    .isEqualTo(401);

            assertThat(server.server().auditEvents().recent(100)).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(AuditEvent.Type.KEY_ROTATION);
                assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
                assertThat(e.detail()).contains("kid=" + newKid).contains("previous=" + oldKid);
            });
        }
    }

    @Test
    void rotateKeysWhenPublishAheadIsNotADurationThenExitCodeTwoAndNoNewKey() {
        try (TestServer server = new TestServer()) {
            assertThat(rotate(server, "--publish-ahead", "soon")).isEqualTo(2);
            server.server().signer().reload();
            assertThat(publishedKids(server)).hasSize(1);
        }
    }
}
