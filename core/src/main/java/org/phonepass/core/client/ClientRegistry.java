package org.phonepass.core.client;

import java.util.Collection;
import java.util.Optional;

/** Looks up registered applications. Implementations are immutable after start-up and safe for concurrent use. */
public interface ClientRegistry {
    Optional<Client> findByClientId(String clientId);

    /** Every client, for CORS preflights, which carry no client_id (docs/auth0-compatibility.md#cors). */
    Collection<Client> all();
}
