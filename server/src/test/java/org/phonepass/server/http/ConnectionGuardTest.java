package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** How connections are grouped for the per-address cap (over HTTPS: ConnectionLimitsTest). */
class ConnectionGuardTest {
    @Test
    void ipv6PeersWhenInOneSlash64ThenOneCountAndIpv4PeersCountAlone() throws Exception {
        String a = ConnectionGuard.key(InetAddress.getByName("2001:db8:1:2::1"));
        String b = ConnectionGuard.key(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        String other = ConnectionGuard.key(InetAddress.getByName("2001:db8:1:3::1"));
        assertThat(a).isEqualTo(b).isEqualTo("20010db800010002::/64");
        assertThat(other).isNotEqualTo(a);
        assertThat(ConnectionGuard.key(InetAddress.getByName("127.0.0.2"))).isEqualTo("127.0.0.2");
        assertThat(ConnectionGuard.key(InetAddress.getByName("::ffff:192.0.2.7")))
                .isEqualTo("192.0.2.7");
    }
}
