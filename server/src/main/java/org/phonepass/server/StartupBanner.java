package org.phonepass.server;

import java.util.stream.Collectors;
import org.phonepass.core.client.Client;
import org.phonepass.server.config.Settings;

/** What start-up prints: where everything is and what to do next. */
final class StartupBanner {
    private StartupBanner() {}

    static String text(PhonepassServer server) {
        Settings s = server.settings();
        StringBuilder out = new StringBuilder();
        out.append("\nPhonepass is running in ")
                .append(s.isProduction() ? "PRODUCTION" : "dev")
                .append(" mode.\n");
        if (server.tls() != null) {
            out.append("  HTTPS        https://localhost:")
                    .append(server.httpsPort())
                    .append("  (issuer ")
                    .append(s.issuer())
                    .append(")\n");
        }
        if (server.httpPort() != null) {
            out.append("  HTTP         http://localhost:")
                    .append(server.httpPort())
                    .append('\n');
        }
        out.append("  Data folder  ").append(server.dataDir()).append('\n');
        out.append("  Storage      ")
                .append(
                        s.storage().isPostgres()
                                ? "PostgreSQL " + s.storage().url()
                                : "embedded SQLite, " + server.dataDir().resolve("phonepass.db"))
                .append('\n');
        if (server.crypto() != null) {
            out.append("  Crypto       ").append(server.crypto().describe()).append('\n');
        }
        out.append("  Clients      ")
                .append(server.clients().all().stream().map(Client::clientId).collect(Collectors.joining(", ")))
                .append('\n');
        if (server.tls() != null && server.tls().generated()) {
            out.append("  Certificate  self-signed dev certificate ")
                    .append(server.dataDir().resolve("tls").resolve("dev-tls.crt"))
                    .append("\n               (trust it once: see README, \"Trust the dev certificate\")\n");
        }
        if (server.sampleApp() != null) {
            out.append("  Sample app   http://localhost:")
                    .append(server.sampleApp().port())
                    .append("/  (")
                    .append(s.dev().sampleAppDir())
                    .append(")\n");
            if (!server.sampleApp().librariesBuilt()) {
                out.append("               its libraries are not installed yet: ")
                        .append(server.sampleApp().librariesCommand())
                        .append('\n');
            }
        }
        if (server.devInbox() != null) {
            int port = server.httpsPort();
            out.append("  SMS          dev inbox: codes are printed here and shown at https://localhost:")
                    .append(port)
                    .append("/dev/sms\n");
            out.append("\nTry it:\n")
                    .append("  curl -k https://localhost:")
                    .append(port)
                    .append("/passwordless/start \\\n")
                    .append("    -d client_id=")
                    .append(ConfiguredClients.DEV_CLIENT_ID)
                    .append(" -d connection=sms -d phone_number=%2B12015550123\n")
                    .append("  curl -k 'https://localhost:")
                    .append(port)
                    .append("/dev/sms.json?to=%2B12015550123'\n")
                    .append("  curl -k https://localhost:")
                    .append(port)
                    .append("/oauth/ro -d client_id=")
                    .append(ConfiguredClients.DEV_CLIENT_ID)
                    .append(" -d connection=sms -d grant_type=password \\\n")
                    .append("    -d username=%2B12015550123 -d password=CODE -d scope=openid\n");
        }
        return out.toString();
    }
}
