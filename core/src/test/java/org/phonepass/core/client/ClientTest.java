package org.phonepass.core.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client's own rules that need no server: where logout may send the browser back to. */
class ClientTest {
    private final Client client = new Client(
            "app",
            "App",
            Set.of("https://app.example"),
            List.of("https://app.example/callback"),
            List.of("https://app.example/bye"),
            Set.of(GrantType.values()),
            Optional.empty(),
            false,
            Duration.ofHours(10),
            Duration.ofHours(24),
            Duration.ofDays(30),
            true,
            false,
            Map.of(),
            false,
            null);

    @Test
    void allowsLogoutReturnWhenListedAsLogoutUrlOrCallbackThenTrue() {
        assertThat(client.allowsLogoutReturn("https://app.example/bye")).isTrue();
        assertThat(client.allowsLogoutReturn("https://app.example/callback")).isTrue();
    }

    @Test
    void allowsLogoutReturnWhenNotListedExactlyThenFalse() {
        assertThat(client.allowsLogoutReturn("https://evil.example/bye")).isFalse();
        assertThat(client.allowsLogoutReturn("https://app.example/bye/")).isFalse();
        assertThat(client.allowsLogoutReturn("https://app.example/bye?next=https://evil.example"))
                .isFalse();
        assertThat(client.allowsLogoutReturn(null)).isFalse();
    }

    @Test
    void allowsLogoutReturnWhenNotAnAbsoluteUrlWithAHostThenFalseEvenIfListed() {
        Client odd = new Client(
                "odd",
                "Odd",
                Set.of(),
                List.of("/relative"),
                List.of("mailto:a@b.example", "https://bad host/x"),
                Set.of(),
                Optional.empty(),
                false,
                Duration.ofHours(1),
                Duration.ofHours(1),
                Duration.ofDays(1),
                true,
                false,
                Map.of(),
                false,
                null);
        assertThat(odd.allowsLogoutReturn("/relative")).isFalse();
        assertThat(odd.allowsLogoutReturn("mailto:a@b.example")).isFalse();
        assertThat(odd.allowsLogoutReturn("https://bad host/x")).isFalse();
    }
}
