package org.phonepass.core.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rate-limit key of an address, and its short way for an IPv4 address already written as the JDK writes it. */
class IpKeysTest {
    @Test
    void ofWhenCanonicalIpv4ThenTheJdksOwnForm() throws Exception {
        Random random = new Random(19);
        for (int i = 0; i < 5_000; i++) {
            String ip = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + random.nextInt(256);
            assertThat(IpKeys.isCanonicalIpv4(ip)).as(ip).isTrue();
            assertThat(IpKeys.of(ip)).isEqualTo(InetAddress.getByName(ip).getHostAddress());
        }
        assertThat(IpKeys.of(" 127.0.0.1 ")).isEqualTo("127.0.0.1");
        assertThat(IpKeys.of("0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(IpKeys.of("255.255.255.255")).isEqualTo("255.255.255.255");
    }

    @Test
    void isCanonicalIpv4WhenAnythingElseThenNotAndTheLongWayDecides() {
        for (String s : List.of(
                "",
                "1.2.3",
                "1.2.3.4.5",
                "1.2.3.",
                ".1.2.3",
                "1..2.3",
                "01.2.3.4",
                "1.2.3.04",
                "1.2.3.256",
                "1.2.3.1000",
                "1.2.3.4a",
                "1.2.3.-4",
                "1.2.3.4 ",
                "::1",
                "2001:db8::1",
                "::ffff:1.2.3.4",
                "localhost",
                "1.2.3.4%eth0")) {
            assertThat(IpKeys.isCanonicalIpv4(s)).as(s).isFalse();
        }
        assertThat(IpKeys.of("1.2.3.256")).isEqualTo("other:1.2.3.256");
        assertThat(IpKeys.of("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpKeys.of("[::1]")).isEqualTo("0:0:0:0::/64");
        assertThat(IpKeys.of(null)).isEqualTo("other:");
    }
}
