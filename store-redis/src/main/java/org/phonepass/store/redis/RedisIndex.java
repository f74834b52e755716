package org.phonepass.store.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Instant;
import java.util.List;

/** The expiry index of a store whose keys are {@code prefix + member}: a sorted set scored by expiry (epoch ms). */
final class RedisIndex {
    private static final int BATCH = 200;

    private RedisIndex() {}

    /** Deletes the keys whose score is before {@code cutoff}, and their index entries; answers how many keys went. */
    static int sweep(RedisCommands<String, String> redis, String indexKey, String keyPrefix, Instant cutoff) {
        long deleted = 0;
        while (true) {
            List<String> members = RedisAuthorizationCodeStore.call(() ->
                    redis.zrangebyscore(indexKey, RedisAuthorizationCodeStore.before(cutoff), Limit.create(0, BATCH)));
            if (members.isEmpty()) {
                return (int) deleted;
            }
            String[] keys = members.stream().map(m -> keyPrefix + m).toArray(String[]::new);
            deleted += RedisAuthorizationCodeStore.call(() -> redis.del(keys));
            RedisAuthorizationCodeStore.call(() -> redis.zrem(indexKey, members.toArray(String[]::new)));
        }
    }
}
