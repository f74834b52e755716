package org.phonepass.server.authorize;

import io.javalin.http.Context;
import java.util.Optional;
import org.phonepass.core.user.User;

/**
 * What the hosted login pages need from the authorization endpoint (docs/hosted-login.md): the pending request they
 * sign in for, and the way back once the person has proved the number.
 */
public interface LoginTransactions {
    /** The live transaction with this id; empty when it is unknown or has expired. */
    Optional<LoginTransaction> find(String id);

    /**
     * The person proved the number: starts the server session (its cookie is set on {@code ctx}), ends the
     * transaction, and answers the URL on this server the browser goes to next, which finishes the authorization
     * response to the app.
     */
    String complete(Context ctx, LoginTransaction transaction, User user);
}
