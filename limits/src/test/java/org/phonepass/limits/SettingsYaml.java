package org.phonepass.limits;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Duration;
import org.phonepass.core.config.Durations;

/**
 * Binds a {@code limits:} YAML block the way the server's config loader does: Jackson with durations such as
 * {@code 1h} already parsed to {@link Duration} and unknown keys refused.
 */
final class SettingsYaml {
    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
                @Override
                public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    try {
                        return Durations.parse(p.getValueAsString());
                    } catch (IllegalArgumentException e) {
                        throw ctx.weirdStringException(p.getValueAsString(), Duration.class, e.getMessage());
                    }
                }
            }));

    private SettingsYaml() {}

    /** The settings under the top-level {@code limits:} key of a YAML document. */
    static LimitsSettings parse(String yaml) {
        try {
            JsonNode root = MAPPER.readTree(yaml);
            JsonNode limits = root == null ? null : root.get("limits");
            if (limits == null || limits.isNull()) {
                return LimitsSettings.defaults();
            }
            return MAPPER.treeToValue(limits, LimitsSettings.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
