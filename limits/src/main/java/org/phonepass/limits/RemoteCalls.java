package org.phonepass.limits;

import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;

/** Shared bits of the two HTTP screens. */
final class RemoteCalls {
    private RemoteCalls() {
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** A log-safe description of why a call failed: the exception type, never a URL with a secret or a body. */
    static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof HttpTimeoutException ? "timeout" : cause.getClass().getSimpleName();
    }
}
