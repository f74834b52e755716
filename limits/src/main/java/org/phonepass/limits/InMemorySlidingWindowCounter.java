package org.phonepass.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.abuse.WindowSlices;

/**
 * The embedded {@link SlidingWindowCounter}: per key, a ring of {@code slices + 1} counters, one per slice of
 * {@code window / slices} ({@link WindowSlices}). The count sums the current slice and the {@code slices} before it,
 * so it covers between one window and one window plus a slice: an event is never forgotten early. Memory stays
 * bounded the same way as in {@link BucketRateLimiter}: keys without an event in the window are dropped on a
 * periodic sweep, and beyond {@code maxKeys} the least recently touched keys go first.
 */
public final class InMemorySlidingWindowCounter implements SlidingWindowCounter {
    private static final int SWEEP_EVERY = 4096;

    private static final class Ring {
        final long[] sliceIds;
        final long[] counts;
        long newestSlice;

        Ring(int size) {
            sliceIds = new long[size];
            counts = new long[size];
            java.util.Arrays.fill(sliceIds, Long.MIN_VALUE);
        }
    }

    private final WindowSlices slicing;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    public InMemorySlidingWindowCounter(Clock clock, Duration window, int slices, int maxKeys) {
        this.slicing = new WindowSlices(clock, window, slices);
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.maxKeys = maxKeys;
    }

    @Override
    public Duration window() {
        return slicing.window();
    }

    @Override
    public void increment(String key) {
        Objects.requireNonNull(key, "key cannot be null");
        long slice = slicing.current();
        rings.compute(key, (k, ring) -> {
            Ring r = ring != null ? ring : new Ring(slicing.slices() + 1);
            int i = (int) Math.floorMod(slice, (long) r.sliceIds.length);
            if (r.sliceIds[i] != slice) {
                r.sliceIds[i] = slice;
                r.counts[i] = 0;
            }
            r.counts[i]++;
            r.newestSlice = Math.max(r.newestSlice, slice);
            return r;
        });
        long n = operations.incrementAndGet();
        if ((n % SWEEP_EVERY == 0 || rings.size() > maxKeys) && sweeping.compareAndSet(false, true)) {
            try {
                evictIdle();
            } finally {
                sweeping.set(false);
            }
        }
    }

    @Override
    public long count(String key) {
        Objects.requireNonNull(key, "key cannot be null");
        long slice = slicing.current();
        long[] total = {0};
        rings.computeIfPresent(key, (k, r) -> {
            for (int i = 0; i < r.sliceIds.length; i++) {
                if (r.sliceIds[i] > slice - r.sliceIds.length && r.sliceIds[i] <= slice) {
                    total[0] += r.counts[i];
                }
            }
            return r;
        });
        return total[0];
    }

    /** Keys currently held. */
    public int size() {
        return rings.size();
    }

    /** Drops keys with no event in the window, then the least recently touched beyond {@code maxKeys}. */
    public int evictIdle() {
        long oldestLive = slicing.oldestCounted(slicing.current());
        int dropped = 0;
        for (String key : rings.keySet()) {
            boolean[] removed = {false};
            rings.computeIfPresent(key, (k, r) -> {
                removed[0] = r.newestSlice < oldestLive;
                return removed[0] ? null : r;
            });
            if (removed[0]) {
                dropped++;
            }
        }
        if (rings.size() > maxKeys) {
            List<Map.Entry<String, Long>> byAge = new ArrayList<>(rings.size());
            rings.forEach((k, r) -> byAge.add(Map.entry(k, r.newestSlice)));
            byAge.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
            int target = Math.max(0, rings.size() - (int) (maxKeys * 0.9));
            for (int i = 0; i < target && i < byAge.size(); i++) {
                if (rings.remove(byAge.get(i).getKey()) != null) {
                    dropped++;
                }
            }
        }
        return dropped;
    }
}
