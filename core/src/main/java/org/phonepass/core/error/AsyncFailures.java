package org.phonepass.core.error;

import java.util.concurrent.CompletionException;

/**
 * The failure a {@link java.util.concurrent.CompletionStage} really failed with. A stage that fails inside
 * {@code thenCompose}, {@code handle} or {@code join} hands its callbacks the original exception wrapped in one or
 * more {@link CompletionException}s, so every place that maps a failure to an answer (a {@link PhonepassException},
 * an SMS provider's error) first takes the wrappers off.
 */
public final class AsyncFailures {
    private AsyncFailures() {}

    /**
     * {@code error} without its {@link CompletionException} wrappers: the first cause that is not one, or the
     * innermost wrapper when it has no cause. Null stays null.
     */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
