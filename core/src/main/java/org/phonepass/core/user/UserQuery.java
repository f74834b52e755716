package org.phonepass.core.user;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A parsed user search ({@code GET /api/v2/users?q=...}, docs/management.md#searching-users): a tree of terms on a
 * closed set of fields. Values are data, never query text: a store binds them as parameters.
 */
public sealed interface UserQuery {
    /** The fields a query may name, with their Auth0 names. */
    enum Field {
        USER_ID("user_id"),
        PHONE_NUMBER("phone_number"),
        BLOCKED("blocked"),
        CREATED_AT("created_at"),
        UPDATED_AT("updated_at"),
        LAST_LOGIN("last_login"),
        LOGINS_COUNT("logins_count");

        private final String wireName;

        Field(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public boolean isDate() {
            return this == CREATED_AT || this == UPDATED_AT || this == LAST_LOGIN;
        }
    }

    /** Every user. */
    record All() implements UserQuery {}

    /** Every one of the parts matches. */
    record And(List<UserQuery> parts) implements UserQuery {
        public And {
            parts = List.copyOf(parts);
        }
    }

    /** At least one part matches. */
    record Or(List<UserQuery> parts) implements UserQuery {
        public Or {
            parts = List.copyOf(parts);
        }
    }

    /** The part does not match. */
    record Not(UserQuery part) implements UserQuery {
        public Not {
            Objects.requireNonNull(part, "part cannot be null");
        }
    }

    /**
     * An exact value: for {@code user_id} the wire id ({@code sms|...}), for {@code phone_number} an E.164 number,
     * for {@code blocked} {@code true} or {@code false}, for {@code logins_count} a whole number.
     */
    record Equals(Field field, String value) implements UserQuery {
        public Equals {
            Objects.requireNonNull(field, "field cannot be null");
            Objects.requireNonNull(value, "value cannot be null");
        }
    }

    /** A phone number that starts with {@code prefix} (a {@code phone_number:+4420*} query). */
    record PhonePrefix(String prefix) implements UserQuery {
        public PhonePrefix {
            Objects.requireNonNull(prefix, "prefix cannot be null");
        }
    }

    /** The field has a value (a {@code _exists_:last_login} query). */
    record Exists(Field field) implements UserQuery {
        public Exists {
            Objects.requireNonNull(field, "field cannot be null");
        }
    }

    /** A date range; a null bound is open. */
    record DateRange(Field field, Instant from, boolean fromInclusive, Instant to, boolean toInclusive)
            implements UserQuery {
        public DateRange {
            Objects.requireNonNull(field, "field cannot be null");
        }
    }
}
