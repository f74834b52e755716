package org.phonepass.server.management;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.phonepass.core.client.Client;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.ClientStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients every request is checked against, read from the database and kept in memory
 * (docs/management.md#clients). Every node compares the store's version with the one it loaded once per
 * {@code recheck}, on a background thread ({@link Rechecked}), and reloads when it moved, so a change made through
 * any node is seen by every node within about that time; a client id this node does not know makes it look again
 * (at most once per {@code miss} for all such requests together), so a client just created elsewhere works on its
 * first request here. An unreachable database keeps the last clients loaded.
 */
public final class StoredClients implements ClientRegistry {
    private static final Logger log = LoggerFactory.getLogger(StoredClients.class);
    /** How long a request with an unknown client id waits for the check it asked for. */
    private static final Duration MISS_WAIT = Duration.ofSeconds(2);

    private final ClientStore store;
    private final Duration miss;
    private final Rechecked<Snapshot> snapshot;

    private record Snapshot(long version, Map<String, Client> byId) {}

    /** @param checker the thread that checks the store, shut down by the caller */
    public StoredClients(ClientStore store, ScheduledExecutorService checker, Duration recheck, Duration miss) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.miss = Objects.requireNonNull(miss, "miss cannot be null");
        this.snapshot = new Rechecked<>("the stored clients", load(), this::check, checker, recheck);
    }

    @Override
    public Optional<Client> findByClientId(String clientId) {
        if (clientId == null) {
            return Optional.empty();
        }
        Client c = snapshot.get().byId().get(clientId);
        if (c == null) {
            c = snapshot.afterCheck(miss, MISS_WAIT).byId().get(clientId);
        }
        return Optional.ofNullable(c);
    }

    @Override
    public Collection<Client> all() {
        return new ArrayList<>(snapshot.get().byId().values());
    }

    /** Reloads now, whatever the version says: after a change made through this node. */
    public void refresh() {
        snapshot.set(load());
    }

    private Snapshot check(Snapshot s) {
        return store.version() == s.version() ? s : load();
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
        return new Snapshot(version, Map.copyOf(byId));
    }
}
