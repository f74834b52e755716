package org.phonepass.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.function.Function;
import org.phonepass.testkit.ExternalServices;

/** The shared test Redis under a key prefix of one's own, and the clean-up of that prefix. */
final class TestRedis implements AutoCloseable {
    private final ExternalServices.RedisTarget target;
    private final RedisStorage storage;

    private TestRedis(ExternalServices.RedisTarget target) {
        this.target = target;
        this.storage = RedisStorage.connect(target.url(), target.keyPrefix());
    }

    /** Connects with a fresh prefix, or skips (fails under CI=true) when Redis is unreachable. */
    static TestRedis open() {
        return new TestRedis(ExternalServices.redis());
    }

    RedisStorage storage() {
        return storage;
    }

    private final java.util.List<RedisStorage> extra = new java.util.ArrayList<>();

    /**
     * Another connection whose keys live under this prefix plus {@code suffix}: a fresh, empty namespace per test
     * method, deleted with the rest by {@link #close()}.
     */
    synchronized RedisStorage storage(String suffix) {
        RedisStorage s = RedisStorage.connect(target.url(), target.keyPrefix() + suffix);
        extra.add(s);
        return s;
    }

    /** Redis's address, for a client of the test's own (through {@link GatedProxy}, say). */
    String url() {
        return target.url();
    }

    String keyPrefix() {
        return target.keyPrefix();
    }

    /** Runs raw commands on a separate connection, to look at what the store wrote. */
    <T> T inspect(Function<RedisCommands<String, String>, T> work) {
        RedisClient client = RedisClient.create(target.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return work.apply(c.sync());
        } finally {
            client.shutdown();
        }
    }

    List<String> keys() {
        return inspect(redis -> {
            java.util.ArrayList<String> all = new java.util.ArrayList<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(
                        cursor,
                        ScanArgs.Builder.matches(target.keyPrefix() + "*").limit(500));
                all.addAll(page.getKeys());
                cursor = page;
            } while (!cursor.isFinished());
            return all;
        });
    }

    /** Deletes every key under the prefix, then disconnects. */
    @Override
    public void close() {
        try {
            List<String> keys = keys();
            if (!keys.isEmpty()) {
                inspect(redis -> redis.del(keys.toArray(String[]::new)));
            }
        } finally {
            extra.forEach(RedisStorage::close);
            storage.close();
        }
    }
}
