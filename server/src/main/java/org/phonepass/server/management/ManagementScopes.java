package org.phonepass.server.management;

import java.util.List;

/** The Management API's audience and scopes (docs/management.md#scopes). */
public final class ManagementScopes {
    /** The {@code audience} name that {@code clients[].api_grants} use for the Management API. */
    public static final String GRANT_AUDIENCE = "management";

    public static final String READ_USERS = "read:users";
    public static final String UPDATE_USERS = "update:users";
    public static final String DELETE_USERS = "delete:users";
    public static final String CREATE_USERS = "create:users";
    public static final String READ_CLIENTS = "read:clients";
    public static final String CREATE_CLIENTS = "create:clients";
    public static final String UPDATE_CLIENTS = "update:clients";
    public static final String DELETE_CLIENTS = "delete:clients";
    public static final String READ_CONNECTIONS = "read:connections";
    public static final String UPDATE_CONNECTIONS = "update:connections";
    public static final String READ_LOGS = "read:logs";
    public static final String READ_STATS = "read:stats";

    /** Every scope the Management API defines; nothing else can ever be in one of its tokens. */
    public static final List<String> ALL = List.of(
            READ_USERS,
            UPDATE_USERS,
            DELETE_USERS,
            CREATE_USERS,
            READ_CLIENTS,
            CREATE_CLIENTS,
            UPDATE_CLIENTS,
            DELETE_CLIENTS,
            READ_CONNECTIONS,
            UPDATE_CONNECTIONS,
            READ_LOGS,
            READ_STATS);

    private ManagementScopes() {}

    /** The Management API's audience: the issuer URL and {@code api/v2/}, as Auth0's {@code https://<domain>/api/v2/}. */
    public static String audience(String issuer) {
        return issuer + "api/v2/";
    }
}
