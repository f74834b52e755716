package org.phonepass.core.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Clients kept in the database, shared by every node (docs/management.md#clients). The store keeps each client's
 * settings as an opaque JSON document that the server reads; it only knows ids, where a client came from, and a
 * version that every change raises, so that nodes notice changes.
 */
public interface ClientStore {
    /** Where a stored client came from: the settings file (read-only through the API) or the management API. */
    enum Source {
        SETTINGS,
        API
    }

    /**
     * One stored client.
     *
     * @param definition the client's settings as a JSON document (the server's format)
     * @param secretHash {@code sha256:<hex>} of a confidential client's secret, or null
     */
    record Row(
            String clientId,
            Source source,
            String definition,
            String secretHash,
            Instant createdAt,
            Instant updatedAt) {
        public Row {
            Objects.requireNonNull(clientId, "clientId cannot be null");
            Objects.requireNonNull(source, "source cannot be null");
            Objects.requireNonNull(definition, "definition cannot be null");
            Objects.requireNonNull(createdAt, "createdAt cannot be null");
            Objects.requireNonNull(updatedAt, "updatedAt cannot be null");
        }
    }

    List<Row> all();

    Optional<Row> find(String clientId);

    /** Inserts a new client; false when the id is taken. */
    boolean insert(Row row);

    /** Replaces a client's definition and secret hash; false when it does not exist. */
    boolean update(Row row);

    /** Deletes a client; false when it did not exist. */
    boolean delete(String clientId);

    /**
     * Makes the stored clients of source {@code SETTINGS} exactly {@code rows}: inserts or replaces each (an API
     * client of the same id becomes a settings client), deletes the settings clients no longer listed. One
     * transaction, one version step.
     */
    void replaceSettingsClients(List<Row> rows);

    /** A number that every change above raises; equal numbers mean the same clients. */
    long version();
}
