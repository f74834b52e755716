package org.phonepass.store.redis;

import org.phonepass.core.store.StoreUnavailableException;

/**
 * Redis could not be reached, timed out, or refused a command. Like the SQL store's {@code StorageException}, the
 * HTTP layer answers 503 for it: the request may succeed when retried, and no internal detail reaches the client.
 */
public final class RedisStoreException extends StoreUnavailableException {
    public RedisStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
