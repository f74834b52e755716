package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@code main} prepares before anything else, seen from a fresh JVM that believes it has 2 CPUs: the common
 * pool must serve {@code CompletableFuture}'s async steps (the JDK's HTTP client hands it every SMS answer), not a
 * new thread per step. The test JVM's own pool was fixed long ago, so this needs a JVM of its own.
 */
class MainCommonPoolTest {
    /** Runs {@link Main#prepareJvm()} and prints what {@code CompletableFuture} then uses. */
    public static void main(String[] args) {
        Main.prepareJvm();
        System.out.println(ForkJoinPool.getCommonPoolParallelism() + " "
                + new CompletableFuture<Void>().defaultExecutor().getClass().getName());
    }

    @Test
    void prepareJvmOnTwoCpusWhenTheCryptoProviderPreloadsThenCompletableFutureUsesTheCommonPool() throws Exception {
        assertThat(probe(List.of())).isEqualTo("2 java.util.concurrent.ForkJoinPool");
    }

    @Test
    void prepareJvmWhenTheOperatorSetTheParallelismThenKept() throws Exception {
        assertThat(probe(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=3")))
                .isEqualTo("3 java.util.concurrent.ForkJoinPool");
    }

    private static String probe(List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=2",
                "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(options);
        cmd.add(MainCommonPoolTest.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("PHONEPASS_CRYPTO_PROVIDER");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as(out).isZero();
        // The last line: the provider's loader may log before it.
        return out.substring(out.lastIndexOf('\n') + 1);
    }
}
