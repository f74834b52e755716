package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK properties {@code main} sets before anything uses them, unless the operator set them. */
class MainPropertiesTest {
    private String keepalive;
    private String bufsize;
    private String references;

    @BeforeEach
    void remember() {
        keepalive = System.getProperty(Main.KEEPALIVE_PROPERTY);
        bufsize = System.getProperty(Main.BUFSIZE_PROPERTY);
        references = System.getProperty(Main.JETTY_REFERENCES_PROPERTY);
    }

    @AfterEach
    void restore() {
        restore(Main.KEEPALIVE_PROPERTY, keepalive);
        restore(Main.BUFSIZE_PROPERTY, bufsize);
        restore(Main.JETTY_REFERENCES_PROPERTY, references);
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

    /** What Jetty would have asked the diagnostic bean for: 16 references per 64-byte line when they are compressed. */
    @Test
    void jettyReferencesPerCacheLineWhenUnsetThenAsJettyComputesItFromTheDiagnosticBean() {
        System.clearProperty(Main.JETTY_REFERENCES_PROPERTY);
        boolean compressed = Boolean.parseBoolean(java.lang.management.ManagementFactory.getPlatformMXBean(
                        com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("UseCompressedOops")
                .getValue());

        Main.jettyReferencesPerCacheLine();

        assertThat(System.getProperty(Main.JETTY_REFERENCES_PROPERTY)).isEqualTo(compressed ? "16" : "8");
    }

    @Test
    void jettyReferencesPerCacheLineWhenTheOperatorSetItThenKept() {
        System.setProperty(Main.JETTY_REFERENCES_PROPERTY, "4");

        Main.jettyReferencesPerCacheLine();

        assertThat(System.getProperty(Main.JETTY_REFERENCES_PROPERTY)).isEqualTo("4");
    }
}
