package org.phonepass.limits;

import java.net.http.HttpTimeoutException;
import org.phonepass.core.error.AsyncFailures;

/** Shared bits of the two HTTP screens. */
final class RemoteCalls {
    private RemoteCalls() {}

    /** A log-safe description of why a call failed: the exception type, never a URL with a secret or a body. */
    static String describe(Throwable error) {
        Throwable cause = AsyncFailures.unwrap(error);
        return cause instanceof HttpTimeoutException
                ? "timeout"
                : cause.getClass().getSimpleName();
    }
}
