package org.phonepass.core.abuse;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rate-limit key of a client address. IPv4 addresses count one by one. IPv6 addresses count per /64, because
 * one subscriber line or one cloud VM usually holds a whole /64 and could otherwise rotate through 2^64 addresses,
 * each with a fresh budget.
 */
public final class IpKeys {
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]{2,45}$");

    private IpKeys() {}

    /** {@code 203.0.113.7}, {@code 2001:db8:1:2::/64}, or {@code other:<text>} for anything that is not a literal. */
    public static String of(String ip) {
        if (ip == null || ip.isBlank()) {
            return "other:";
        }
        String s = ip.strip();
        if (isCanonicalIpv4(s)) {
            // What InetAddress would answer for it, without the two patterns and the parse: a verify asks for the
            // key of the same address four times (docs/benchmarks.md, "The request path, cut again").
            return s;
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone > 0) {
            s = s.substring(0, zone);
        }
        // Only literals reach InetAddress.getByName, which then parses and never resolves names.
        boolean literal = IPV4.matcher(s).matches()
                || s.indexOf(':') >= 0 && IPV6.matcher(s).matches();
        if (literal) {
            try {
                InetAddress address = InetAddress.getByName(s);
                if (address instanceof Inet4Address) {
                    return address.getHostAddress();
                }
                if (address instanceof Inet6Address) {
                    byte[] b = address.getAddress();
                    StringBuilder sb = new StringBuilder(24);
                    for (int i = 0; i < 8; i += 2) {
                        sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)))
                                .append(':');
                    }
                    return sb.append(":/64").toString();
                }
            } catch (UnknownHostException e) {
                // falls through: not a valid literal after all
            }
        }
        String text = s.toLowerCase(Locale.ROOT);
        return "other:" + (text.length() > 64 ? text.substring(0, 64) : text);
    }

    /**
     * Four decimal numbers of 0 to 255 between dots, none with a leading zero: the form
     * {@link InetAddress#getHostAddress()} writes an IPv4 address in, so such a literal is its own key.
     */
    static boolean isCanonicalIpv4(String s) {
        int n = s.length();
        if (n < 7 || n > 15) {
            return false;
        }
        int parts = 0;
        int i = 0;
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || digits > 1 && s.charAt(start) == '0') {
                return false;
            }
            parts++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return false;
            }
            i++;
            if (i == n) {
                return false;
            }
        }
        return parts == 4;
    }
}
