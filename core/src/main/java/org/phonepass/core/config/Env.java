package org.phonepass.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The environment variable that overrides a settings component, written next to it. The configuration loader reads
 * the table of variables from these annotations, and docs/configuration.md must list each one (a test checks).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Env {
    /** The variable's name, {@code PHONEPASS_...}. */
    String value();
}
