package org.phonepass.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which of the scopes asked for a token may carry (issue 16 #1). */
class ScopesTest {
    private static final Set<String> API = Set.of("read:orders", "write:orders", "admin");

    @Test
    void grantableWhenUndefinedScopesAskedThenDroppedAndOidcKept() {
        assertThat(Scopes.grantable(Scopes.parse("openid admin delete:users"), API, Set.of("read:orders")))
                .containsExactly("openid");
    }

    @Test
    void grantableWhenDefinedAndGrantedThenKeptInRequestOrder() {
        assertThat(Scopes.grantable(
                        Scopes.parse("write:orders openid read:orders profile"),
                        API,
                        Set.of("read:orders", "write:orders")))
                .containsExactly("write:orders", "openid", "read:orders", "profile");
    }

    @Test
    void grantableWhenGrantedButNotDefinedThenDropped() {
        // A grant can only name what the API defines (checked at load); the rule holds on its own all the same.
        assertThat(Scopes.grantable(Scopes.parse("delete:users"), API, Set.of("delete:users")))
                .isEmpty();
    }

    @Test
    void grantableWhenNoAudienceThenOnlyOidcScopes() {
        assertThat(Scopes.grantable(Scopes.parse("openid profile phone offline_access admin"), Set.of(), Set.of()))
                .containsExactly("openid", "profile", "phone", "offline_access");
    }

    @Test
    void parseWhenPlusOrRepeatedSpacesThenSplitWithoutDuplicates() {
        assertThat(Scopes.parse(" openid+profile  openid ")).containsExactly("openid", "profile");
        assertThat(Scopes.parse(null)).isEmpty();
        assertThat(Scopes.parse("")).isEmpty();
        assertThat(Scopes.parse(" + ++ ")).isEmpty();
        assertThat(Scopes.parse("openid")).containsExactly("openid");
        // Only the ends are trimmed of other white space, as String.trim does; a tab inside stays in its word.
        assertThat(Scopes.parse("\topenid++a\tb+phone\n")).containsExactly("openid", "a\tb", "phone");
    }
}
