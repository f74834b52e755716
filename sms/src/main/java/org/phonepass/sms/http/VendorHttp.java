package org.phonepass.sms.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.sms.SmsDeliveryException;

/**
 * The HTTP side shared by the vendors that speak plain HTTPS: one {@link HttpClient} per provider, asynchronous
 * sends with a response timeout, and the failures every vendor shares (no connection, no answer in time, 429, 5xx)
 * turned into {@link SmsDeliveryException}s.
 *
 * <p>{@link HttpClient#sendAsync} parks a request on the client's selector thread, not on a thread of its own, so
 * hundreds of slow vendor answers cost no extra platform threads. The executor given here runs only the short
 * completion work; a small fixed pool keeps a burst of answers from growing the JDK's default cached pool.
 */
public final class VendorHttp {
    private final String providerId;
    private final String vendorName;
    private final HttpClient client;
    private final Duration responseTimeout;

    public VendorHttp(
            String providerId,
            String vendorName,
            Duration connectTimeout,
            Duration responseTimeout,
            Executor executor) {
        this.providerId = Objects.requireNonNull(providerId, "providerId cannot be null");
        this.vendorName = Objects.requireNonNull(vendorName, "vendorName cannot be null");
        this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout cannot be null");
        this.client = HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout cannot be null"))
                .executor(Objects.requireNonNull(executor, "executor cannot be null"))
                // A vendor that redirects an API call is misconfigured; following it could leak credentials.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public String providerId() {
        return providerId;
    }

    /**
     * Sends a request. The stage fails with a TRANSIENT {@link SmsDeliveryException} when there is no connection
     * or no answer within the response timeout; every HTTP answer, whatever its status, completes it normally.
     */
    public CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(responseTimeout).build();
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = client.sendAsync(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new SmsDeliveryException(
                    providerId,
                    SmsDeliveryException.Kind.CONFIGURATION,
                    null,
                    vendorName + " request could not be built: " + e.getClass().getSimpleName(),
                    e));
        }
        return sent.handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(networkFailure(AsyncFailures.unwrap(error)));
            }
            return response;
        });
    }

    private SmsDeliveryException networkFailure(Throwable error) {
        String what;
        if (error instanceof HttpConnectTimeoutException) {
            what = "did not accept a connection in time";
        } else if (error instanceof HttpTimeoutException) {
            what = "did not answer within " + responseTimeout.toMillis() + " ms";
        } else if (error instanceof ConnectException) {
            what = "refused the connection";
        } else if (error instanceof IOException) {
            what = "connection failed (" + error.getClass().getSimpleName() + ")";
        } else {
            what = "request failed (" + error.getClass().getSimpleName() + ")";
        }
        return new SmsDeliveryException(
                providerId, SmsDeliveryException.Kind.TRANSIENT, null, vendorName + " " + what, error);
    }

    /**
     * The failure for an HTTP status that says nothing vendor-specific, or null for one the vendor's own mapping
     * must read: 408, 429 and 5xx are worth another try, 401 and 403 mean the credentials are wrong.
     */
    public SmsDeliveryException statusFailure(int status, String providerCode) {
        if (status == 408 || status == 429 || status >= 500) {
            return new SmsDeliveryException(
                    providerId,
                    SmsDeliveryException.Kind.TRANSIENT,
                    providerCode,
                    vendorName + " answered HTTP " + status,
                    null);
        }
        if (status == 401 || status == 403) {
            return new SmsDeliveryException(
                    providerId,
                    SmsDeliveryException.Kind.CONFIGURATION,
                    providerCode,
                    vendorName + " refused the credentials (HTTP " + status + ")",
                    null);
        }
        return null;
    }

    /** {@code application/x-www-form-urlencoded} for the given fields, in their iteration order. */
    public static String form(Map<String, String> fields) {
        StringJoiner out = new StringJoiner("&");
        fields.forEach((name, value) -> out.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** An HTTP Basic {@code Authorization} value (RFC 7617, UTF-8). */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
