package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Auth0ClientHeaderTest {
    @Test
    void describeWhenObservedSdkValuesThenNameAndVersion() {
        assertThat(Auth0ClientHeader.describe("eyJuYW1lIjoiYXV0aDAuanMiLCJ2ZXJzaW9uIjoiNy42LjEifQ"))
                .isEqualTo("auth0.js/7.6.1");
        assertThat(
                        Auth0ClientHeader.describe(
                                "eyJuYW1lIjoibG9jay1wYXNzd29yZGxlc3MuanMiLCJ2ZXJzaW9uIjoiMi4yLjMiLCJsaWJfdmVyc2lvbiI6IjYuOC4wIn0"))
                .isEqualTo("lock-passwordless.js/2.2.3");
        assertThat(Auth0ClientHeader.describe("eyJuYW1lIjoiYXV0aDAuanMiLCJ2ZXJzaW9uIjoiOS4zMi4wIn0="))
                .isEqualTo("auth0.js/9.32.0");
        assertThat(Auth0ClientHeader.describe("eyJuYW1lIjoiYXV0aDAtamF2YSIsImVudiI6eyJqYXZhIjoiMTcifX0="))
                .isEqualTo("auth0-java");
    }

    @Test
    void describeWhenMissingOrBrokenThenNull() {
        assertThat(Auth0ClientHeader.describe(null)).isNull();
        assertThat(Auth0ClientHeader.describe("%%%")).isNull();
        assertThat(Auth0ClientHeader.describe("bm90IGpzb24")).isNull();
        assertThat(Auth0ClientHeader.describe("eyJuYW1lIjoiPHNjcmlwdD4ifQ")).isEqualTo("script");
    }
}
