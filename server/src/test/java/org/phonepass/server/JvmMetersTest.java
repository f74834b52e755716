package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The JVM's own meters, bound after the start or at the first scrape (docs/benchmarks.md, "Start-up, a margin"). */
class JvmMetersTest {
    @Test
    void runWhenCalledTwiceThenTheMetersAreBoundOnce() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PhonepassServer.JvmMeters meters = new PhonepassServer.JvmMeters(registry);
        assertThat(registry.find("jvm.memory.used").meters()).isEmpty();

        meters.run();
        int bound = registry.getMeters().size();
        meters.run();

        assertThat(registry.find("jvm.memory.used").meters()).isNotEmpty();
        assertThat(registry.find("jvm.threads.live").meters()).isNotEmpty();
        assertThat(registry.find("system.cpu.count").meters()).isNotEmpty();
        assertThat(registry.getMeters()).hasSize(bound);
    }
}
