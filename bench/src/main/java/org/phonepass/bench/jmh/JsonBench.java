package org.phonepass.bench.jmh;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.phonepass.server.http.Responder;

/** A token response body serialised by the server's own {@link Responder} (Jackson), as {@code /oauth/token} does. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonBench {
    private Responder responder;
    private Map<String, Object> body;

    @Setup
    public void setUp() {
        responder = new Responder(JsonMapper.builder().build());
        body = new LinkedHashMap<>();
        body.put("access_token", "Zk9fQ2xV3lq0m8yH1s7N2c4Rr5t6u7v8w9x0y1z2A3B");
        body.put(
                "id_token",
                "eyJraWQiOiJhYmMiLCJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "x".repeat(420) + "." + "y".repeat(342));
        body.put("refresh_token", "Qm9fQ2xV3lq0m8yH1s7N2c4Rr5t6u7v8w9x0y1z2A3B");
        body.put("scope", "openid offline_access");
        body.put("expires_in", 86400L);
        body.put("token_type", "Bearer");
    }

    @Benchmark
    public String tokenResponse() {
        return responder.serialize(body);
    }
}
