package org.phonepass.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Distinct, valid US numbers (libphonenumber accepts them): real New Jersey, New York, Texas and California area
 * codes, exchanges 201 to 999 without the N11 service codes and 555, and every line number. One counter per driver,
 * so no number repeats within a server's life.
 */
final class Phones {
    private static final int[] AREAS = {
        201, 212, 213, 214, 215, 216, 217, 224, 301, 302, 303, 305, 312, 313, 404, 410, 415, 504, 512, 602, 609, 617,
        646, 702, 713, 718, 732, 773, 856, 908, 917, 973
    };
    private static final int[] EXCHANGES;

    static {
        int[] ex = new int[799];
        int n = 0;
        for (int e = 201; e <= 999; e++) {
            if (e % 100 == 11 || e == 555 || e == 950 || e == 958 || e == 959 || e == 976) {
                continue;
            }
            ex[n++] = e;
        }
        EXCHANGES = java.util.Arrays.copyOf(ex, n);
    }

    private final AtomicLong next = new AtomicLong();

    String next() {
        long n = next.getAndIncrement();
        int line = (int) (n % 10_000);
        long rest = n / 10_000;
        int area = AREAS[(int) (rest % AREAS.length)];
        int exchange = EXCHANGES[(int) ((rest / AREAS.length) % EXCHANGES.length)];
        return String.format("+1%03d%03d%04d", area, exchange, line);
    }
}
