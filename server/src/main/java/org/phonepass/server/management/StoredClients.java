package org.phonepass.server.management;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.ClientStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients every request is checked against, read from the database and kept in memory
 * (docs/management.md#clients). Every node compares the store's version with the one it loaded at most once per
 * {@code recheckMillis} and reloads when it moved, so a change made through any node is seen by every node within
 * that time; a client id this node does not know makes it look again sooner ({@code missMillis}), so a client just
 * created elsewhere works on its first request here. An unreachable database keeps the last clients loaded.
 */
public final class StoredClients implements ClientRegistry {
    private static final Logger log = LoggerFactory.getLogger(StoredClients.class);

    private final ClientStore store;
    private final Clock clock;
    private final long recheckMillis;
    private final long missMillis;
    private volatile Snapshot snapshot;

    private record Snapshot(long version, Map<String, Client> byId, long checkedAt) {}

    public StoredClients(ClientStore store, Clock clock, long recheckMillis, long missMillis) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.recheckMillis = recheckMillis;
        this.missMillis = missMillis;
        this.snapshot = load();
    }

    @Override
    public Optional<Client> findByClientId(String clientId) {
        if (clientId == null) {
            return Optional.empty();
        }
        Snapshot s = current(recheckMillis);
        Client c = s.byId().get(clientId);
        if (c == null) {
            c = current(missMillis).byId().get(clientId);
        }
        return Optional.ofNullable(c);
    }

    @Override
    public Collection<Client> all() {
        return new ArrayList<>(current(recheckMillis).byId().values());
    }

    /** Reloads now, whatever the version says: after a change made through this node. */
    public void refresh() {
        snapshot = load();
    }

    private Snapshot current(long maxAgeMillis) {
        Snapshot s = snapshot;
        long now = System.nanoTime() / 1_000_000;
        if (now - s.checkedAt() < maxAgeMillis) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (now - s.checkedAt() < maxAgeMillis) {
                return s;
            }
            try {
                long version = store.version();
                snapshot = version == s.version() ? new Snapshot(s.version(), s.byId(), now) : load();
            } catch (RuntimeException e) {
                log.warn(
                        "could not check the stored clients ({}); keeping the {} loaded",
                        e.getMessage(),
                        s.byId().size());
                snapshot = new Snapshot(s.version(), s.byId(), now);
            }
            return snapshot;
        }
    }

    private Snapshot load() {
        long version = store.version();
        Map<String, Client> byId = new LinkedHashMap<>();
        for (ClientStore.Row row : store.all()) {
            try {
                byId.put(
                        row.clientId(),
                        ClientDefinition.fromJson(row.definition()).toClient(row.clientId(), row.secretHash()));
            } catch (RuntimeException e) {
                log.error("stored client {} is unreadable and is skipped: {}", row.clientId(), e.getMessage());
            }
        }
        return new Snapshot(version, Map.copyOf(byId), System.nanoTime() / 1_000_000);
    }
}
