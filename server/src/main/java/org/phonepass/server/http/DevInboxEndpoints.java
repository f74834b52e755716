package org.phonepass.server.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.sms.dev.DevSmsInbox;

/** The dev SMS inbox: {@code GET /dev/sms} (a page) and {@code GET /dev/sms.json}. Registered in dev mode only. */
final class DevInboxEndpoints {
    private final DevSmsInbox inbox;
    private final PhoneNumberParser phones;
    private final Responder responder;

    DevInboxEndpoints(DevSmsInbox inbox, PhoneNumberParser phones, Responder responder) {
        this.inbox = inbox;
        this.phones = phones;
        this.responder = responder;
    }

    /**
     * JSON array, newest first, of {@code {"to","body","code","sent_at"}}; {@code ?to=} filters by number. No
     * wildcard CORS: the inbox holds every live code, so only the origins a configured client allows (the dev
     * client's {@code http://localhost:3000}) may read it from a browser, and never with credentials
     * (docs/security.md).
     */
    void json(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json; charset=utf-8").result(responder.serialize(entries(ctx)));
    }

    void page(Context ctx) {
        StringBuilder rows = new StringBuilder();
        for (Map<String, Object> e : entries(ctx)) {
            rows.append("<tr><td>")
                    .append(escape(e.get("sent_at")))
                    .append("</td><td>")
                    .append(escape(e.get("to")))
                    .append("</td><td class=code>")
                    .append(escape(e.get("code")))
                    .append("</td><td>")
                    .append(escape(e.get("body")))
                    .append("</td></tr>");
        }
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8")
                .result("<!doctype html><html lang=en><head><meta charset=utf-8>"
                        + "<meta http-equiv=refresh content=2><meta name=viewport content=\"width=device-width\">"
                        + "<title>Phonepass dev SMS inbox</title><style>body{font:15px system-ui,sans-serif;margin:2em}"
                        + "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.4em .8em;"
                        + "text-align:left}.code{font:bold 1.3em monospace}</style></head><body>"
                        + "<h1>Dev SMS inbox</h1><p>Messages the dev provider would have sent, newest first. This page "
                        + "refreshes itself; it does not exist in production mode.</p><table><tr><th>Sent</th><th>To</th>"
                        + "<th>Code</th><th>Message</th></tr>" + rows + "</table></body></html>");
    }

    private List<Map<String, Object>> entries(Context ctx) {
        String to = ctx.queryParam("to");
        Optional<String> filter = to == null || to.isBlank()
                ? Optional.empty()
                : Optional.of(phones.parse(to).map(p -> p.e164()).orElse(to.trim()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (DevSmsInbox.Entry e : inbox.recent(filter)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("to", e.to());
            m.put("body", e.body());
            m.put("code", e.code());
            m.put("sent_at", e.sentAt().toString());
            out.add(m);
        }
        return out;
    }

    private static String escape(Object o) {
        String s = String.valueOf(o);
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
