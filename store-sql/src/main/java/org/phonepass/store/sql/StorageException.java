package org.phonepass.store.sql;

import org.phonepass.core.store.StoreUnavailableException;

/**
 * The database could not be reached or refused a statement. The HTTP layer answers 503 for it: the request may
 * succeed when retried, and no internal detail reaches the client.
 */
public final class StorageException extends StoreUnavailableException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
