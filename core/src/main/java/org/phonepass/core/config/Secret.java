package org.phonepass.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a settings component that holds a secret. The configuration loader resolves its {@link SecretReference}
 * ({@code ${ENV}}, {@code ${file:...}}) and its {@code _file} twin at load time, the same way for every section; on a
 * map of strings, every value is resolved.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Secret {}
