package org.phonepass.core.login;

import java.time.Instant;
import java.util.Optional;

/**
 * Login tickets, stored by the ticket's key ({@code OpaqueTokens.key}; the ticket itself is never stored).
 * Every node of a deployment must see the same tickets: the embedded or PostgreSQL database, or Redis.
 */
public interface LoginTicketStore {
    /** Stores a new ticket. */
    void save(byte[] ticketKey, LoginTicket ticket);

    /** The ticket when it is stored, unused and not expired at {@code now}; does not use it. */
    Optional<LoginTicket> find(byte[] ticketKey, Instant now);

    /**
     * Uses the ticket: answers it when it was stored, unused and not expired at {@code now}, and from then on never
     * again. Atomic: of two concurrent calls with one ticket, at most one gets it.
     */
    Optional<LoginTicket> consume(byte[] ticketKey, Instant now);

    /** Deletes the tickets that expired before {@code cutoff}; answers how many. */
    int deleteExpired(Instant cutoff);
}
