package org.phonepass.testkit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;

/** Users in this process, for domain tests without a database; passes {@link UserStoreContract}. */
public final class InMemoryUserStore implements UserStore {
    private final Map<String, User> byPhone = new LinkedHashMap<>();

    @Override
    public synchronized Optional<User> findById(String id) {
        return byPhone.values().stream().filter(u -> u.id().equals(id)).findFirst();
    }

    @Override
    public synchronized Optional<User> findByPhone(String phoneE164) {
        return Optional.ofNullable(byPhone.get(phoneE164));
    }

    @Override
    public synchronized Optional<User> recordLogin(
            String phoneE164, String newId, String ip, Instant now, boolean createIfMissing) {
        User current = byPhone.get(phoneE164);
        User next;
        if (current == null) {
            if (!createIfMissing) {
                return Optional.empty();
            }
            next = new User(newId, phoneE164, now, now, now, ip, 1);
        } else {
            next = new User(current.id(), phoneE164, current.createdAt(), now, now, ip, current.loginsCount() + 1);
        }
        byPhone.put(phoneE164, next);
        return Optional.of(next);
    }

    /** Adds a user as if it had signed up earlier. */
    public synchronized User add(String id, String phoneE164, Instant at) {
        User user = new User(id, phoneE164, at, at, null, null, 0);
        byPhone.put(phoneE164, user);
        return user;
    }
}
