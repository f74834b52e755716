package org.phonepass.server.hosted;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/** One browser without JavaScript: keeps its cookies and posts the pages' forms as a browser would. */
final class PageSession {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final TestServer server;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final String acceptLanguage;
    private String forwardedFor;

    PageSession(TestServer server, String acceptLanguage) {
        this.server = server;
        this.acceptLanguage = acceptLanguage;
    }

    PageSession from(String ip) {
        this.forwardedFor = ip;
        return this;
    }

    Response get(String path) {
        return send(server.request(path).GET());
    }

    Response post(String path, Map<String, String> form) {
        return send(server.request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.form(form))));
    }

    private Response send(HttpRequest.Builder b) {
        if (acceptLanguage != null) {
            b.header("Accept-Language", acceptLanguage);
        }
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        if (!cookies.isEmpty()) {
            b.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        Response r = server.send(b);
        for (String set : r.headers().getOrDefault("set-cookie", List.of())) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (value.isEmpty() || set.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return r;
    }

    Map<String, String> cookies() {
        return cookies;
    }

    static String csrf(Response page) {
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF field in: " + page.body());
        }
        return m.group(1);
    }
}
