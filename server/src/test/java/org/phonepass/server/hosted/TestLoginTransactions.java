package org.phonepass.server.hosted;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.user.User;
import org.phonepass.server.authorize.LoginTransaction;
import org.phonepass.server.authorize.LoginTransactions;

/**
 * Login transactions made by the test instead of by {@code /authorize}: the pages only see the contract, so they are
 * tested on their own. {@code complete} records who signed in and sends the browser to a fixed URL.
 */
public final class TestLoginTransactions implements LoginTransactions {
    public static final String DONE_PATH = "/u/test-done";

    private final Map<String, LoginTransaction> live = new ConcurrentHashMap<>();
    private final Map<String, User> completed = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private ClientRegistry clients;
    private Clock clock;

    /** Called once the server has built its clients. */
    public void attach(ClientRegistry clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    public String open(String clientId, List<String> uiLocales, String loginHint) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        live.put(
                id,
                new LoginTransaction(
                        id,
                        clients.findByClientId(clientId).orElseThrow(),
                        uiLocales,
                        loginHint,
                        null,
                        clock.instant().plus(Duration.ofMinutes(30))));
        return id;
    }

    public User completedBy(String id) {
        return completed.get(id);
    }

    @Override
    public Optional<LoginTransaction> find(String id) {
        LoginTransaction tx = live.get(id);
        return tx == null || !tx.expiresAt().isAfter(clock.instant()) ? Optional.empty() : Optional.of(tx);
    }

    @Override
    public String complete(Context ctx, LoginTransaction transaction, User user) {
        live.remove(transaction.id());
        completed.put(transaction.id(), user);
        return DONE_PATH + "?tx=" + transaction.id();
    }
}
