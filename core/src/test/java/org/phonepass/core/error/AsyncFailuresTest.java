package org.phonepass.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Taking the CompletionException wrappers off a stage's failure. */
class AsyncFailuresTest {

    @Test
    void unwrapWhenStageFailedDownstreamThenTheOriginalException() {
        IOException original = new IOException("down");
        CompletableFuture<Object> failed = CompletableFuture.failedFuture(original)
                .thenApply(x -> x)
                .thenCompose(CompletableFuture::completedFuture);
        Throwable[] seen = new Throwable[1];
        failed.handle((ok, error) -> seen[0] = error).join();

        assertThat(seen[0]).isInstanceOf(CompletionException.class);
        assertThat(AsyncFailures.unwrap(seen[0])).isSameAs(original);
    }

    @Test
    void unwrapWhenNestedWrappersThenTheInnermostCause() {
        IllegalStateException original = new IllegalStateException("x");
        Throwable nested = new CompletionException(new CompletionException(original));

        assertThat(AsyncFailures.unwrap(nested)).isSameAs(original);
    }

    @Test
    void unwrapWhenNotWrappedOrNoCauseThenUnchanged() {
        PhonepassException plain = PhonepassException.of(ErrorCode.INVALID_REQUEST, "bad");
        CompletionException empty = new CompletionException("no cause", null);

        assertThat(AsyncFailures.unwrap(plain)).isSameAs(plain);
        assertThat(AsyncFailures.unwrap(empty)).isSameAs(empty);
        assertThat(AsyncFailures.unwrap(null)).isNull();
    }
}
