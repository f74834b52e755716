package org.phonepass.testkit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.phonepass.core.login.LoginTicket;
import org.phonepass.core.login.LoginTicketStore;

/** Login tickets in this process, for domain tests; passes {@link LoginTicketStoreContract}. */
public final class InMemoryLoginTicketStore implements LoginTicketStore {
    private final Map<ByteBuffer, LoginTicket> tickets = new HashMap<>();

    @Override
    public synchronized void save(byte[] ticketKey, LoginTicket ticket) {
        tickets.put(ByteBuffer.wrap(ticketKey.clone()), ticket);
    }

    @Override
    public synchronized Optional<LoginTicket> find(byte[] ticketKey, Instant now) {
        LoginTicket t = tickets.get(ByteBuffer.wrap(ticketKey));
        return t == null || !t.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(t);
    }

    @Override
    public synchronized Optional<LoginTicket> consume(byte[] ticketKey, Instant now) {
        LoginTicket t = tickets.remove(ByteBuffer.wrap(ticketKey));
        return t == null || !t.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(t);
    }

    @Override
    public synchronized int deleteExpired(Instant cutoff) {
        int before = tickets.size();
        tickets.values().removeIf(t -> t.expiresAt().isBefore(cutoff));
        return before - tickets.size();
    }
}
