package org.phonepass.bench.jmh;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.phonepass.core.otp.CodeGenerator;
import org.phonepass.core.otp.CodeHasher;

/** Code generation and its HMAC, exactly as {@code StartService.start} does them (one shared SecureRandom). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OtpBench {
    private CodeGenerator generator;
    private CodeHasher hasher;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        random.nextBytes(key);
        generator = new CodeGenerator(random);
        hasher = new CodeHasher(key);
    }

    @Benchmark
    public String generateCode() {
        return generator.generate(6);
    }

    @Benchmark
    public byte[] hashCode6() {
        return hasher.hash("bench-client", "+12015550123", "123456");
    }

    @Benchmark
    public byte[] generateAndHash() {
        return hasher.hash("bench-client", "+12015550123", generator.generate(6));
    }
}
