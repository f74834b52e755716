package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestLinesTest {
    /** Records each write as the text it carried. */
    static final class Writes implements RequestLines.Sink {
        final List<String> writes = new ArrayList<>();

        @Override
        public synchronized void write(byte[] bytes, int length) {
            writes.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }

        synchronized List<String> writes() {
            return List.copyOf(writes);
        }
    }

    @AfterEach
    void endWhatATestLeftOpen() {
        RequestLines.end();
    }

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void holdWhenNoRequestIsUnderWayThenTheCallerWritesTheLineItself() {
        Writes sink = new Writes();
        assertThat(RequestLines.hold(line("a"), sink)).isFalse();
        assertThat(sink.writes()).isEmpty();
    }

    @Test
    void endWhenARequestLoggedThreeLinesThenOneWriteWithTheLinesInOrder() {
        Writes sink = new Writes();
        assertThat(RequestLines.begin()).isTrue();
        assertThat(RequestLines.hold(line("audit type=LOGIN"), sink)).isTrue();
        assertThat(RequestLines.hold(line("audit type=VERIFY"), sink)).isTrue();
        assertThat(RequestLines.hold(line("access POST /oauth/token 200"), sink))
                .isTrue();
        assertThat(sink.writes())
                .as("nothing is written while the request is handled")
                .isEmpty();
        RequestLines.end();
        assertThat(sink.writes())
                .containsExactly("audit type=LOGIN\naudit type=VERIFY\naccess POST /oauth/token 200\n");
        assertThat(RequestLines.holding()).isFalse();
        assertThat(RequestLines.hold(line("after the request"), sink))
                .as("a line after the end is the caller's to write")
                .isFalse();
    }

    @Test
    void beginWhenAlreadyHoldingThenFalseAndTheOuterEndWritesOnce() {
        Writes sink = new Writes();
        assertThat(RequestLines.begin()).isTrue();
        RequestLines.hold(line("one"), sink);
        assertThat(RequestLines.begin())
                .as("nested: the outer scope keeps the ending")
                .isFalse();
        RequestLines.hold(line("two"), sink);
        RequestLines.end();
        RequestLines.end();
        assertThat(sink.writes()).containsExactly("one\ntwo\n");
    }

    @Test
    void endWhenNothingWasLoggedThenNoWrite() {
        Writes sink = new Writes();
        RequestLines.begin();
        RequestLines.end();
        RequestLines.end();
        assertThat(sink.writes()).isEmpty();
    }

    @Test
    void holdWhenTheBoundIsPassedThenWhatIsHeldGoesOutFirstAndNothingIsLostOrReordered() {
        Writes sink = new Writes();
        RequestLines.begin();
        StringBuilder expected = new StringBuilder();
        String text = "x".repeat(999);
        for (int i = 0; i < 40; i++) {
            String l = i + text;
            RequestLines.hold(line(l), sink);
            expected.append(l).append('\n');
        }
        assertThat(sink.writes()).as("40 kB of lines cannot all be held").isNotEmpty();
        assertThat(sink.writes())
                .allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(RequestLines.MAX_HELD_BYTES));
        RequestLines.end();
        assertThat(String.join("", sink.writes())).isEqualTo(expected.toString());
    }

    @Test
    void holdWhenOneLineIsLargerThanTheBoundThenItIsWrittenWholeAfterWhatWasHeld() {
        Writes sink = new Writes();
        RequestLines.begin();
        RequestLines.hold(line("first"), sink);
        String huge = "y".repeat(RequestLines.MAX_HELD_BYTES + 10);
        RequestLines.hold(line(huge), sink);
        RequestLines.hold(line("last"), sink);
        RequestLines.end();
        assertThat(sink.writes()).containsExactly("first\n", huge + "\n", "last\n");
    }

    @Test
    void holdWhenLinesGoToTwoSinksThenEachGetsItsOwnInTheOrderLogged() {
        Writes a = new Writes();
        Writes b = new Writes();
        RequestLines.begin();
        RequestLines.hold(line("a1"), a);
        RequestLines.hold(line("a2"), a);
        RequestLines.hold(line("b1"), b);
        assertThat(a.writes()).as("a's lines went out when b's came").containsExactly("a1\na2\n");
        RequestLines.end();
        assertThat(b.writes()).containsExactly("b1\n");
    }

    @Test
    void holdWhenEightThreadsHandleRequestsAtOnceThenEachWriteIsOneRequestsLinesWhole() throws Exception {
        Writes sink = new Writes();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int r = 0; r < 500; r++) {
                        RequestLines.begin();
                        for (int l = 0; l < 3; l++) {
                            RequestLines.hold(line(thread + "/" + r + "/" + l), sink);
                        }
                        RequestLines.end();
                    }
                    // A line of this thread outside any request is not held.
                    return RequestLines.hold(line("outside"), sink);
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(false);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> writes = sink.writes();
        assertThat(writes).hasSize(8 * 500);
        assertThat(writes).allSatisfy(w -> {
            String[] lines = w.split("\n");
            assertThat(lines).hasSize(3);
            String request = lines[0].substring(0, lines[0].lastIndexOf('/'));
            assertThat(lines).containsExactly(request + "/0", request + "/1", request + "/2");
        });
    }
}
