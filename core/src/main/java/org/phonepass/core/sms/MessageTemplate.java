package org.phonepass.core.sms;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMS template in one of Auth0's syntaxes (docs/sms-providers.md#templates-and-languages): Markdown-with-macros
 * {@code @@password@@}, or Liquid-style {@code {{ code }}}, {@code {{ password }}}, {@code {{ application.name }}},
 * {@code {{ request_language }}} and {@code {{ ttl_minutes }}}. Only variable substitution is supported; Liquid tags
 * and filters are refused when the template is loaded, so a template never fails at send time.
 */
public final class MessageTemplate {
    private static final Pattern VARIABLE = Pattern.compile("@@password@@|\\{\\{\\s*([a-z_.]+)\\s*}}");
    private static final java.util.Set<String> KNOWN =
            java.util.Set.of("code", "password", "application.name", "request_language", "ttl_minutes");
    private final String source;

    private MessageTemplate(String source) {
        this.source = source;
    }

    /**
     * Parses and checks a template.
     *
     * @throws IllegalArgumentException with a message naming the problem when the template has no code variable,
     *                                  an unknown variable or a Liquid tag
     */
    public static MessageTemplate parse(String source) {
        Objects.requireNonNull(source, "template cannot be null");
        if (source.contains("{%")) {
            throw new IllegalArgumentException("Liquid tags ({% ... %}) are not supported; use variables only");
        }
        boolean hasCode = false;
        Matcher m = VARIABLE.matcher(source);
        while (m.find()) {
            String name = m.group(1) == null ? "password" : m.group(1);
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown template variable '" + name + "'; known: @@password@@, "
                                + "{{ code }}, {{ password }}, {{ application.name }}, {{ request_language }}, {{ ttl_minutes }}");
            }
            hasCode |= name.equals("code") || name.equals("password");
        }
        String rest = VARIABLE.matcher(source).replaceAll("");
        if (rest.contains("{{") || rest.contains("@@")) {
            throw new IllegalArgumentException("malformed template variable in '" + source + "'");
        }
        if (!hasCode) {
            throw new IllegalArgumentException("the template must contain the code: @@password@@ or {{ code }}");
        }
        return new MessageTemplate(source);
    }

    public String source() {
        return source;
    }

    /** Renders with the given variables; {@code code} is required. */
    public String render(Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) == null ? "password" : m.group(1);
            String value = name.equals("password") ? variables.get("code") : variables.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
