package org.phonepass.sms.config;

import java.util.List;

/**
 * One entry of {@code sms.routes}: destinations whose country calling code is listed go through these providers,
 * in failover order, instead of the default route.
 *
 * @param callingCodes country calling codes without {@code +}, such as {@code 91} or {@code 1}
 * @param providers    provider ids in failover order
 */
public record RouteSettings(List<Integer> callingCodes, List<ProviderId> providers) {
    public RouteSettings {
        callingCodes = callingCodes == null ? List.of() : List.copyOf(callingCodes);
        providers = providers == null ? List.of() : List.copyOf(providers);
    }
}
