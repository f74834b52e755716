package org.phonepass.sms.delivery;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.sms.SmsProvider;

/**
 * Which providers, in which order, deliver to a destination: the route of its country calling code when one is
 * configured ({@code 91} through a DLT-registered gateway), the default route otherwise.
 *
 * @param defaultRoute  providers in failover order for every other destination
 * @param byCallingCode routes per country calling code
 */
public record Routing(List<SmsProvider> defaultRoute, Map<Integer, List<SmsProvider>> byCallingCode) {
    public Routing {
        defaultRoute = List.copyOf(defaultRoute);
        if (defaultRoute.isEmpty()) {
            throw new IllegalArgumentException("the default route needs at least one provider");
        }
        Map<Integer, List<SmsProvider>> copy = new java.util.HashMap<>();
        byCallingCode.forEach((code, route) -> {
            if (route.isEmpty()) {
                throw new IllegalArgumentException("the route for +" + code + " needs at least one provider");
            }
            copy.put(code, List.copyOf(route));
        });
        byCallingCode = Map.copyOf(copy);
    }

    /** A single route for every destination. */
    public static Routing of(SmsProvider... providers) {
        return new Routing(List.of(providers), Map.of());
    }

    public List<SmsProvider> routeFor(PhoneNumber to) {
        Objects.requireNonNull(to, "to cannot be null");
        return byCallingCode.getOrDefault(to.callingCode(), defaultRoute);
    }
}
