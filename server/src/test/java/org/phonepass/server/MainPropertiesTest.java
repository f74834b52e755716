package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK properties {@code main} sets before anything uses them, unless the operator set them. */
class MainPropertiesTest {
    private String keepalive;
    private String bufsize;

    @BeforeEach
    void remember() {
        keepalive = System.getProperty(Main.KEEPALIVE_PROPERTY);
        bufsize = System.getProperty(Main.BUFSIZE_PROPERTY);
    }

    @AfterEach
    void restore() {
        restore(Main.KEEPALIVE_PROPERTY, keepalive);
        restore(Main.BUFSIZE_PROPERTY, bufsize);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void vendorClientDefaultsWhenUnsetThenThirtySecondsAndFourKilobytes() {
        System.clearProperty(Main.KEEPALIVE_PROPERTY);
        System.clearProperty(Main.BUFSIZE_PROPERTY);

        Main.vendorClientDefaults();

        assertThat(System.getProperty(Main.KEEPALIVE_PROPERTY)).isEqualTo("30");
        assertThat(System.getProperty(Main.BUFSIZE_PROPERTY)).isEqualTo("4096");
    }

    @Test
    void vendorClientDefaultsWhenTheOperatorSetThemThenKept() {
        System.setProperty(Main.KEEPALIVE_PROPERTY, "600");
        System.setProperty(Main.BUFSIZE_PROPERTY, "65536");

        Main.vendorClientDefaults();

        assertThat(System.getProperty(Main.KEEPALIVE_PROPERTY)).isEqualTo("600");
        assertThat(System.getProperty(Main.BUFSIZE_PROPERTY)).isEqualTo("65536");
    }
}
