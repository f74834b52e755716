package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.user.ManagedUser;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserAdminStore;
import org.phonepass.core.user.UserQuery;

/**
 * The management API's user operations in SQL. A search is translated from the parsed {@link UserQuery} tree into a
 * WHERE clause built only from this class's own fragments; every value is a bound parameter.
 */
public final class JdbcUserAdmin implements UserAdminStore {
    private static final String USER_PREFIX = User.CONNECTION + "|";
    private static final String COLUMNS = JdbcUserStore.COLUMNS + ", blocked, user_metadata, app_metadata";
    private static final long DAY_MILLIS = 86_400_000L;

    private final Jdbc jdbc;

    JdbcUserAdmin(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public Page search(UserQuery query, SortField sort, boolean ascending, int offset, int limit, boolean withTotal) {
        List<Object> params = new ArrayList<>();
        String where = where(query, params);
        String order = column(sort) + (ascending ? " ASC" : " DESC") + ", id ASC";
        return jdbc.withConnection(c -> {
            List<Object> pageParams = new ArrayList<>(params);
            pageParams.add(limit);
            pageParams.add(offset);
            List<ManagedUser> users = new ArrayList<>();
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT " + COLUMNS + " FROM users WHERE " + where + " ORDER BY " + order
                                    + " LIMIT ? OFFSET ?",
                            pageParams.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(map(rs));
                }
            }
            long total = -1;
            if (withTotal) {
                try (PreparedStatement ps =
                                Jdbc.prepare(c, "SELECT COUNT(*) FROM users WHERE " + where, params.toArray());
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            return new Page(users, total);
        });
    }

    private static String column(SortField sort) {
        return switch (sort) {
            case CREATED_AT -> "created_at";
            case UPDATED_AT -> "updated_at";
            case LAST_LOGIN -> "last_login";
            case LOGINS_COUNT -> "logins_count";
            case PHONE_NUMBER -> "phone";
            case USER_ID -> "id";
        };
    }

    private static String column(UserQuery.Field field) {
        return switch (field) {
            case USER_ID -> "id";
            case PHONE_NUMBER -> "phone";
            case BLOCKED -> "blocked";
            case CREATED_AT -> "created_at";
            case UPDATED_AT -> "updated_at";
            case LAST_LOGIN -> "last_login";
            case LOGINS_COUNT -> "logins_count";
        };
    }

    /** The WHERE clause of a query tree: fixed fragments, with each value appended to {@code params}. */
    static String where(UserQuery q, List<Object> params) {
        if (q instanceof UserQuery.All) {
            return "1 = 1";
        }
        if (q instanceof UserQuery.And and) {
            return join(and.parts(), " AND ", params);
        }
        if (q instanceof UserQuery.Or or) {
            return join(or.parts(), " OR ", params);
        }
        if (q instanceof UserQuery.Not not) {
            return "NOT (" + where(not.part(), params) + ")";
        }
        if (q instanceof UserQuery.Exists exists) {
            return column(exists.field()) + " IS NOT NULL";
        }
        if (q instanceof UserQuery.PhonePrefix prefix) {
            // The parser allows only '+' and digits here, so the pattern has no LIKE wildcard but this one.
            params.add(prefix.prefix() + "%");
            return "phone LIKE ?";
        }
        if (q instanceof UserQuery.DateRange range) {
            List<String> parts = new ArrayList<>();
            String col = column(range.field());
            if (range.from() != null) {
                params.add(range.from().toEpochMilli());
                parts.add(col + (range.fromInclusive() ? " >= ?" : " > ?"));
            }
            if (range.to() != null) {
                params.add(range.to().toEpochMilli());
                parts.add(col + (range.toInclusive() ? " <= ?" : " < ?"));
            }
            return parts.isEmpty() ? col + " IS NOT NULL" : "(" + String.join(" AND ", parts) + ")";
        }
        if (q instanceof UserQuery.Equals eq) {
            switch (eq.field()) {
                case USER_ID -> {
                    if (!eq.value().startsWith(USER_PREFIX)) {
                        return "1 = 0";
                    }
                    params.add(eq.value().substring(USER_PREFIX.length()));
                    return "id = ?";
                }
                case BLOCKED -> {
                    params.add(eq.value().equals("true") ? 1 : 0);
                    return "blocked = ?";
                }
                case LOGINS_COUNT -> {
                    params.add(Long.parseLong(eq.value()));
                    return "logins_count = ?";
                }
                case PHONE_NUMBER -> {
                    params.add(eq.value());
                    return "phone = ?";
                }
                default -> throw new IllegalArgumentException("no equality on " + eq.field());
            }
        }
        throw new IllegalArgumentException("unknown query part " + q);
    }

    private static String join(List<UserQuery> parts, String op, List<Object> params) {
        List<String> out = new ArrayList<>();
        for (UserQuery p : parts) {
            out.add("(" + where(p, params) + ")");
        }
        return String.join(op, out);
    }

    @Override
    public Optional<ManagedUser> find(String id) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(c, "SELECT " + COLUMNS + " FROM users WHERE id = ?", id);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public Optional<ManagedUser> create(
            String id, String phoneE164, String userMetadata, String appMetadata, boolean blocked, Instant now) {
        long t = now.toEpochMilli();
        return jdbc.write(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "INSERT INTO users (id, phone, created_at, updated_at, logins_count, blocked, user_metadata,"
                                    + " app_metadata) VALUES (?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (phone) DO NOTHING"
                                    + " RETURNING " + COLUMNS,
                            id,
                            phoneE164,
                            t,
                            t,
                            blocked ? 1 : 0,
                            userMetadata,
                            appMetadata);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public UpdateOutcome update(String id, Change change, Instant now) {
        return jdbc.inTransaction(c -> {
            String oldPhone;
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT phone FROM users WHERE id = ?"
                                    + jdbc.dialect().forUpdate(),
                            id);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return UpdateOutcome.NOT_FOUND;
                }
                oldPhone = rs.getString(1);
            }
            boolean newPhone = change.phoneE164() != null && !change.phoneE164().equals(oldPhone);
            if (newPhone) {
                try (PreparedStatement ps = Jdbc.prepare(
                                c, "SELECT 1 FROM users WHERE phone = ? AND id <> ?", change.phoneE164(), id);
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return UpdateOutcome.PHONE_TAKEN;
                    }
                }
            }
            List<String> sets = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            if (newPhone) {
                sets.add("phone = ?");
                params.add(change.phoneE164());
            }
            if (change.blocked() != null) {
                sets.add("blocked = ?");
                params.add(change.blocked() ? 1 : 0);
            }
            if (change.userMetadata() != null) {
                sets.add("user_metadata = ?");
                params.add(change.userMetadata());
            }
            if (change.appMetadata() != null) {
                sets.add("app_metadata = ?");
                params.add(change.appMetadata());
            }
            sets.add("updated_at = ?");
            params.add(now.toEpochMilli());
            params.add(id);
            Jdbc.update(c, "UPDATE users SET " + String.join(", ", sets) + " WHERE id = ?", params.toArray());
            if (Boolean.TRUE.equals(change.blocked()) || newPhone) {
                endTokens(c, id);
            }
            if (newPhone) {
                Jdbc.update(c, "DELETE FROM challenges WHERE phone = ?", oldPhone);
            }
            return UpdateOutcome.UPDATED;
        });
    }

    private static void endTokens(java.sql.Connection c, String id) throws java.sql.SQLException {
        String wire = USER_PREFIX + id;
        Jdbc.update(c, "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?", wire);
        Jdbc.update(c, "UPDATE access_tokens SET revoked = 1 WHERE user_id = ?", wire);
    }

    @Override
    public boolean delete(String id) {
        return jdbc.inTransaction(c -> {
            String phone;
            try (PreparedStatement ps = Jdbc.prepare(c, "SELECT phone FROM users WHERE id = ?", id);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                phone = rs.getString(1);
            }
            String wire = USER_PREFIX + id;
            Jdbc.update(c, "DELETE FROM access_tokens WHERE user_id = ?", wire);
            Jdbc.update(c, "DELETE FROM refresh_tokens WHERE user_id = ?", wire);
            Jdbc.update(c, "DELETE FROM challenges WHERE phone = ?", phone);
            Jdbc.update(c, "DELETE FROM users WHERE id = ?", id);
            return true;
        });
    }

    @Override
    public Map<String, Long> signupsPerDay(Instant from, Instant to) {
        return perDay(jdbc, "users", "created_at", "", List.of(), from, to);
    }

    /** Rows per UTC day of a millisecond column, keyed by ISO date, every day of the range present. */
    static Map<String, Long> perDay(
            Jdbc jdbc, String table, String column, String extraWhere, List<Object> extra, Instant from, Instant to) {
        List<Object> params = new ArrayList<>(extra);
        params.add(from.toEpochMilli());
        params.add(to.toEpochMilli());
        Map<Long, Long> counts = jdbc.withConnection(c -> {
            Map<Long, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT " + column + " / " + DAY_MILLIS + " AS day, COUNT(*) FROM " + table + " WHERE "
                                    + extraWhere + column + " >= ? AND " + column + " < ? GROUP BY " + column
                                    + " / " + DAY_MILLIS,
                            params.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getLong(2));
                }
            }
            return out;
        });
        Map<String, Long> byDate = new LinkedHashMap<>();
        for (long day = Math.floorDiv(from.toEpochMilli(), DAY_MILLIS); day * DAY_MILLIS < to.toEpochMilli(); day++) {
            byDate.put(LocalDate.ofEpochDay(day).toString(), counts.getOrDefault(day, 0L));
        }
        return byDate;
    }

    @Override
    public long activeSince(Instant since) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps =
                            Jdbc.prepare(c, "SELECT COUNT(*) FROM users WHERE last_login >= ?", since.toEpochMilli());
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static ManagedUser map(ResultSet rs) throws java.sql.SQLException {
        return new ManagedUser(JdbcUserStore.map(rs), rs.getInt(8) != 0, rs.getString(9), rs.getString(10));
    }

    static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }
}
