package org.phonepass.sms.sns;

import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.http.Redact;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsAsyncClientBuilder;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.OptedOutException;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Amazon SNS {@code Publish} to a phone number, through the AWS SDK's asynchronous client on Netty: request
 * signing, credentials and endpoints are the SDK's.
 *
 * <p>The SDK's own retries are switched off: the delivery policy retries, fails over and counts, and two layers
 * of retries would multiply each other past the deadline.
 */
public final class SnsSmsProvider implements SmsProvider, AutoCloseable {
    public static final String ID = "sns";

    private final String id;
    private final SnsSettings settings;
    private final SnsAsyncClient client;

    /**
     * @param settings  resolved settings ({@link SnsSettings#resolved})
     * @param completion runs the short work after each answer, so the SDK does not start its own pool
     */
    public SnsSmsProvider(String id, SnsSettings settings, Executor completion) {
        this.id = Objects.requireNonNull(id, "id cannot be null");
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        AwsCredentialsProvider credentials = settings.accessKeyId() != null
                ? StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        SnsAsyncClientBuilder builder = SnsAsyncClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .readTimeout(settings.timeout())
                        .connectionAcquisitionTimeout(settings.timeout())
                        .maxConcurrency(settings.maxConcurrency())
                        // Two event-loop threads carry every connection; Netty never parks one per request.
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2)))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(settings.timeout()))
                .asyncConfiguration(a -> a.advancedOption(
                        SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                        Objects.requireNonNull(completion, "completion cannot be null")));
        if (settings.endpoint() != null) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        this.client = builder.build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put("AWS.SNS.SMS.SMSType", text(settings.smsType().awsName()));
        if (settings.senderId() != null) {
            attributes.put("AWS.SNS.SMS.SenderID", text(settings.senderId()));
        }
        if (settings.originationNumber() != null) {
            attributes.put("AWS.MM.SMS.OriginationNumber", text(settings.originationNumber()));
        }
        PublishRequest request = PublishRequest.builder()
                .phoneNumber(message.to().e164())
                .message(message.body())
                .messageAttributes(attributes)
                .build();
        return client.publish(request).handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(failure(error));
            }
            return new SmsReceipt(id, response.messageId());
        });
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private SmsDeliveryException failure(Throwable error) {
        Throwable t = AsyncFailures.unwrap(error);
        if (t instanceof AwsServiceException aws) {
            String code =
                    aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
            String detail =
                    aws.awsErrorDetails() == null ? "" : aws.awsErrorDetails().errorMessage();
            Kind kind = kindOf(aws, code, detail);
            String text = switch (kind) {
                case REJECTED_NUMBER ->
                    t instanceof OptedOutException
                            ? "The number has opted out of receiving SMS."
                            : "The number cannot receive SMS.";
                case TRANSIENT -> "SNS is unavailable (HTTP " + aws.statusCode() + ", " + code + ")";
                case CONFIGURATION ->
                    "SNS refused the request (HTTP " + aws.statusCode() + ", " + code + "): " + Redact.text(detail);
            };
            return new SmsDeliveryException(id, kind, code, text, null);
        }
        if (t instanceof SdkClientException) {
            // Timeouts, refused connections and unreadable answers: the SDK never reached a verdict.
            return new SmsDeliveryException(
                    id,
                    Kind.TRANSIENT,
                    null,
                    "SNS could not be reached (" + t.getClass().getSimpleName() + ")",
                    t);
        }
        return new SmsDeliveryException(
                id, Kind.TRANSIENT, null, "SNS call failed (" + t.getClass().getSimpleName() + ")", t);
    }

    static Kind kindOf(AwsServiceException aws, String code, String detail) {
        if (aws instanceof OptedOutException || "OptedOut".equals(code)) {
            return Kind.REJECTED_NUMBER;
        }
        if (("InvalidParameter".equals(code) || "InvalidParameterValue".equals(code))
                && detail != null
                && detail.toLowerCase(Locale.ROOT).contains("phonenumber")) {
            // "Invalid parameter: PhoneNumber Reason: ... is not valid to publish to"
            return Kind.REJECTED_NUMBER;
        }
        if (aws.isThrottlingException()
                || aws.statusCode() >= 500
                || "Throttling".equals(code)
                || "InternalError".equals(code)) {
            return Kind.TRANSIENT;
        }
        return Kind.CONFIGURATION;
    }

    @Override
    public void close() {
        client.close();
    }
}
