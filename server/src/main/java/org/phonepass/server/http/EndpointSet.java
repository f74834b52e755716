package org.phonepass.server.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Objects;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.StartService;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.token.TokenManagementService;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.token.TokenSigner;
import org.phonepass.core.user.Profiles;
import org.phonepass.sms.dev.DevSmsInbox;

/** Every endpoint object, built once from the domain services. */
public record EndpointSet(
        Responder responder,
        PasswordlessEndpoint passwordless,
        TokenEndpoints tokens,
        RedirectEndpoints redirect,
        ProfileEndpoints profiles,
        PublicEndpoints pub,
        OpsEndpoints ops,
        DevInboxEndpoints devInbox,
        List<Extra> extras) {

    /** A further route, for features that add their own endpoints. */
    public record Extra(HandlerType method, String path, Handler handler) {
        public Extra {
            Objects.requireNonNull(method, "method cannot be null");
            Objects.requireNonNull(path, "path cannot be null");
            Objects.requireNonNull(handler, "handler cannot be null");
        }
    }

    /** What the endpoints are built from. */
    public record Services(
            LoginService login,
            TokenService tokens,
            TokenSigner signer,
            ClientRegistry clients,
            Profiles profiles,
            PhoneNumberParser phones,
            DevSmsInbox devInbox,
            OpsEndpoints ops,
            ClientAddress address,
            String issuer,
            String defaultCountry,
            boolean countryFromLanguage,
            int maxBodyBytes,
            StartService starts,
            TokenManagementService management,
            AuthorizationCodeService codes,
            SessionService sessions) {}

    public static EndpointSet build(Services s, Responder responder, List<Extra> extras) {
        RequestReader reader = new RequestReader(s.maxBodyBytes());
        ClientGate gate = new ClientGate(s.clients());
        return new EndpointSet(
                responder,
                new PasswordlessEndpoint(reader, responder, gate, s.address(), s.starts()),
                new TokenEndpoints(reader, responder, gate, s.address(), s.login(), s.management(), s.codes()),
                new RedirectEndpoints(reader, responder, gate, s.address(), s.login()),
                new ProfileEndpoints(reader, responder, gate, s.tokens(), s.profiles()),
                new PublicEndpoints(
                        responder,
                        s.signer(),
                        s.clients(),
                        s.address(),
                        s.issuer(),
                        s.defaultCountry(),
                        s.countryFromLanguage(),
                        s.sessions()),
                s.ops(),
                s.devInbox() == null ? null : new DevInboxEndpoints(s.devInbox(), s.phones(), responder),
                List.copyOf(extras));
    }
}
