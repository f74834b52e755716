package org.phonepass.core.store;

/**
 * A backend that holds state (the database, Redis) could not be reached, timed out, or refused a command. The HTTP
 * layer answers 503 for it without knowing which backend failed: the request may succeed when retried, and no
 * internal detail reaches the client. Each store module throws its own subclass.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
