package org.phonepass.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.error.AsyncFailures;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), so that the script text crosses the network once, not on every
 * call. Redis forgets its script cache when it restarts (or on {@code SCRIPT FLUSH}); the first call after that
 * gets {@code NOSCRIPT} and sends the text with {@code EVAL}, which caches it again. That fallback is what lets a
 * node keep working across a Redis restart without being told.
 */
final class LuaScript {
    private final String name;
    private final String source;
    private final String sha;
    /**
     * Whether Redis answered this script's last call in this process: then {@link #runAsync} may send
     * {@code EVALSHA} without waiting. Shared by every connection of the process, which all go to one Redis.
     */
    private volatile boolean cached;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1Hex(source);
    }

    /** Loads a script from this package's resources. */
    static LuaScript load(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new LuaScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            T value = redis.evalsha(sha, type, keys, args);
            cached = true;
            return value;
        } catch (RedisNoScriptException e) {
            T value = redis.eval(source, type, keys, args);
            cached = true;
            return value;
        }
    }

    /**
     * {@link #run} without waiting for the answer, over the same connection: the command is on the connection when
     * this returns, so every command this node sends afterwards on it reaches Redis after this one (Redis runs one
     * connection's commands in order). The stage completes with the script's value or fails with Redis's error; this
     * never throws.
     *
     * <p>The order would not hold across a {@code NOSCRIPT}: the {@code EVAL} that follows it could only be sent when
     * that answer arrives, after whatever was sent meanwhile. So while this process has not yet seen Redis run the
     * script (the first call, or the first after a {@code NOSCRIPT}), the call waits, as {@link #run} does. What is
     * left is the call that finds Redis's cache emptied by a restart since: its {@code EVAL} comes late, after the
     * commands of that round trip.
     */
    <T> CompletionStage<T> runAsync(
            RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        if (!cached) {
            try {
                return CompletableFuture.completedFuture(run(redis, type, keys, args));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        RedisAsyncCommands<String, String> async = redis.getStatefulConnection().async();
        CompletionStage<T> sent;
        try {
            sent = async.<T>evalsha(sha, type, keys, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sent.handle((value, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    Throwable cause = AsyncFailures.unwrap(error);
                    if (cause instanceof RedisNoScriptException) {
                        cached = false;
                        return async.<T>eval(source, type, keys, args);
                    }
                    return CompletableFuture.<T>failedFuture(cause);
                })
                .thenCompose(stage -> stage);
    }

    String name() {
        return name;
    }

    private static String sha1Hex(String text) {
        try {
            // SHA-1 because that is how Redis names scripts, not for any security property.
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is unavailable", e);
        }
    }
}
