package org.phonepass.server.config;

/** A setting is missing, unknown or wrong. The message names the key and what it accepts. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
