package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The connectors' buffer pool keeps few idle buffers however many connections once needed one at the same time
 * (docs/benchmarks.md: with Jetty's default of an eighth of the heap for each kind, 1 024 connections left tens of MB
 * resident), and still hands a buffer to every connection that asks.
 */
class BufferPoolTest {
    /** What a TLS connection takes for one record (SSLSession#getPacketBufferSize), as Jetty's SslConnection does. */
    private static final int TLS_RECORD = 16_709;

    @Test
    void bufferPoolWhenAThousandConnectionsGiveBackTheirBuffersThenKeepsAtMostItsBound() {
        ArrayByteBufferPool pool = (ArrayByteBufferPool) HttpApi.bufferPool();
        for (boolean direct : new boolean[] {true, false}) {
            List<RetainableByteBuffer> held = new ArrayList<>();
            for (int i = 0; i < 1024; i++) {
                RetainableByteBuffer b = pool.acquire(TLS_RECORD, direct);
                assertThat(b.capacity()).isGreaterThanOrEqualTo(TLS_RECORD);
                assertThat(b.getByteBuffer().isDirect()).isEqualTo(direct);
                held.add(b);
            }
            held.forEach(RetainableByteBuffer::release);
        }

        assertThat(pool.getDirectMemory()).isPositive().isLessThanOrEqualTo(HttpApi.POOLED_DIRECT_BYTES);
        assertThat(pool.getHeapMemory()).isPositive().isLessThanOrEqualTo(HttpApi.POOLED_HEAP_BYTES);
        // Jetty's default pool, for comparison, keeps an eighth of the maximum heap of each kind.
        ArrayByteBufferPool jettyDefault = new ArrayByteBufferPool();
        List<RetainableByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            held.add(jettyDefault.acquire(TLS_RECORD, true));
        }
        held.forEach(RetainableByteBuffer::release);
        assertThat(jettyDefault.getDirectMemory()).isGreaterThan(4 * HttpApi.POOLED_DIRECT_BYTES);
    }
}
