package org.phonepass.sms.sns;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.net.URI;
import java.time.Duration;
import org.phonepass.core.config.Secret;
import org.phonepass.sms.config.ClosedSet;
import org.phonepass.sms.config.Secrets;

/**
 * {@code sms.sns}: Amazon SNS direct publishing to a phone number.
 *
 * @param region            AWS region, such as {@code eu-west-1} (required)
 * @param endpoint          endpoint override (a VPC endpoint, a FIPS endpoint, a test); the region's by default
 * @param accessKeyId       static credentials (secret reference allowed); when absent the SDK's default chain is
 *                          used: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, web identity,
 *                          container and instance roles
 * @param secretAccessKey   the secret key of {@code accessKeyId} (secret)
 * @param senderId          {@code AWS.SNS.SMS.SenderID}, an alphanumeric sender where the country allows it
 * @param originationNumber {@code AWS.MM.SMS.OriginationNumber}, an E.164 number or short code you own in AWS
 * @param smsType           {@code Transactional} (default; higher delivery priority, right for codes) or
 *                          {@code Promotional}
 * @param maxConcurrency    open connections at most, default 100; further sends wait for one
 * @param connectTimeout    default 3s
 * @param timeout           whole-call timeout per attempt, default 10s
 */
public record SnsSettings(
        String region,
        String endpoint,
        @Secret String accessKeyId,
        @Secret String secretAccessKey,
        String senderId,
        String originationNumber,
        SmsType smsType,
        Integer maxConcurrency,
        Duration connectTimeout,
        Duration timeout) {

    /**
     * {@code sms.sns.sms_type}: the {@code AWS.SNS.SMS.SMSType} attribute, spelled as AWS spells it; any case is
     * accepted, as it always was.
     */
    @JsonClassDescription("SMS type")
    public enum SmsType {
        /** Higher delivery priority, right for codes. */
        @JsonProperty("Transactional")
        TRANSACTIONAL,
        @JsonProperty("Promotional")
        PROMOTIONAL;

        /** Binds the YAML spelling, in any case. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static SmsType of(String value) throws InvalidFormatException {
            return ClosedSet.bind(SmsType.class, value, true);
        }

        /** The attribute's value as AWS spells it. */
        public String awsName() {
            return ClosedSet.spelling(this);
        }

        @Override
        public String toString() {
            return awsName();
        }
    }

    public SnsSettings {
        smsType = smsType == null ? SmsType.TRANSACTIONAL : smsType;
        maxConcurrency = maxConcurrency == null ? 100 : maxConcurrency;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** Checks the settings and resolves their secrets; messages name the keys under {@code prefix}. */
    public SnsSettings resolved(String prefix, String usage, Secrets secrets) {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException(prefix + ".region is required when " + usage);
        }
        if (endpoint != null) {
            try {
                URI uri = URI.create(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException(prefix + ".endpoint must be an http(s) URL");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + ".endpoint must be an http(s) URL", e);
            }
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException(prefix + ".access_key_id and " + prefix
                    + ".secret_access_key go together; leave both out to use the AWS default credentials chain");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException(prefix + ".max_concurrency must be at least 1");
        }
        if (connectTimeout.isZero() || connectTimeout.isNegative() || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(prefix + ".connect_timeout and " + prefix + ".timeout must be positive");
        }
        return new SnsSettings(
                region,
                endpoint,
                secrets.resolve(prefix + ".access_key_id", accessKeyId),
                secrets.resolve(prefix + ".secret_access_key", secretAccessKey),
                senderId,
                originationNumber,
                smsType,
                maxConcurrency,
                connectTimeout,
                timeout);
    }

    @Override
    public String toString() {
        return "SnsSettings[region=" + region + ", endpoint=" + endpoint + ", accessKeyId="
                + Secrets.mask(accessKeyId) + ", secretAccessKey=" + Secrets.mask(secretAccessKey) + ", senderId="
                + senderId + ", originationNumber=" + originationNumber + ", smsType=" + smsType
                + ", maxConcurrency=" + maxConcurrency + ", connectTimeout=" + connectTimeout + ", timeout="
                + timeout + "]";
    }
}
