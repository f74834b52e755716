package org.phonepass.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;

/**
 * The number's parse as a start and a verify make it (docs/benchmarks.md#recent-numbers): a number the parser has
 * not seen lately (a start: libphonenumber's parse and validation), and the same text again (its verify).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PhoneBench {
    /** More distinct numbers than the parser remembers, so that every {@link #parseNew} call misses. */
    private static final int NUMBERS = 100_000;

    private PhoneNumberParser parser;
    private String[] texts;
    /** The next text for {@link #parseNew}; {@code texts[0]} is {@link #parseAgain}'s alone. */
    private int next = 1;

    @Setup
    public void setUp() {
        parser = new PhoneNumberParser(null);
        texts = new String[NUMBERS];
        for (int i = 0; i < NUMBERS; i++) {
            // +1 201 2xx xxxx: valid New Jersey numbers, as the load generator's are.
            texts[i] = "+1201" + (2_000_000 + i);
        }
        parser.parse(texts[0]);
    }

    @Benchmark
    public PhoneNumber parseNew() {
        String text = texts[next];
        next = next + 1 == NUMBERS ? 1 : next + 1;
        return parser.parse(text).orElseThrow();
    }

    @Benchmark
    public PhoneNumber parseAgain() {
        return parser.parse(texts[0]).orElseThrow();
    }
}
