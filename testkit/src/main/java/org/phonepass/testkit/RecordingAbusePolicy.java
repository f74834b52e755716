package org.phonepass.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.abuse.VerifyContext;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.ratelimit.RateLimitHeaders;

/**
 * An {@link AbusePolicy} that allows everything unless told otherwise and keeps the calls it got, in order, so that
 * a domain test can check the sequence a login service runs (checks before the compare, one record after it). The
 * real limits are the {@code limits} module's, tested there and, with a login service, in its own tests.
 */
public final class RecordingAbusePolicy implements AbusePolicy {
    /** One call: its name ({@code checkVerify}, {@code verifyFailure}, ...) and the number's E.164, or null. */
    public record Call(String name, String phone, String ip) {}

    private final List<Call> calls = new ArrayList<>();
    private PhonepassException refuseVerify;
    private PhonepassException refuseStart;
    private PhonepassException refuseScreen;
    private PhonepassException refuseRevoke;
    private RateLimitHeaders headers;

    /** Later {@code checkVerify} calls throw {@code refusal} (null: allow again). */
    public synchronized void refuseVerify(PhonepassException refusal) {
        this.refuseVerify = refusal;
    }

    /** Later {@code checkStart} calls throw {@code refusal} (null: allow again). */
    public synchronized void refuseStart(PhonepassException refusal) {
        this.refuseStart = refusal;
    }

    /** Later {@code screenStart} calls complete with {@code refusal} (null: allow again). */
    public synchronized void refuseScreen(PhonepassException refusal) {
        this.refuseScreen = refusal;
    }

    /** Later {@code checkRevoke} calls throw {@code refusal} (null: allow again). */
    public synchronized void refuseRevoke(PhonepassException refusal) {
        this.refuseRevoke = refusal;
    }

    /** What the checks advertise when they allow (null: nothing). */
    public synchronized void advertise(RateLimitHeaders headers) {
        this.headers = headers;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The names of the calls, in order. */
    public synchronized List<String> names() {
        return calls.stream().map(Call::name).toList();
    }

    @Override
    public synchronized Optional<RateLimitHeaders> checkStart(StartContext start) {
        record("checkStart", start.phone().e164(), start.ip());
        if (refuseStart != null) {
            throw refuseStart;
        }
        return Optional.ofNullable(headers);
    }

    @Override
    public synchronized CompletionStage<Void> screenStart(StartContext start) {
        record("screenStart", start.phone().e164(), start.ip());
        return refuseScreen == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new CompletionException(refuseScreen));
    }

    @Override
    public synchronized void checkRevoke(String ip) {
        record("checkRevoke", null, ip);
        if (refuseRevoke != null) {
            throw refuseRevoke;
        }
    }

    @Override
    public synchronized void recordSend(StartContext start) {
        record("send", start.phone().e164(), start.ip());
    }

    @Override
    public synchronized Optional<RateLimitHeaders> checkVerify(VerifyContext verify) {
        record("checkVerify", verify);
        if (refuseVerify != null) {
            throw refuseVerify;
        }
        return Optional.ofNullable(headers);
    }

    @Override
    public synchronized void recordVerifyFailure(VerifyContext verify) {
        record("verifyFailure", verify);
    }

    @Override
    public synchronized void recordVerifyNoLiveCode(VerifyContext verify) {
        record("verifyNoLiveCode", verify);
    }

    @Override
    public synchronized void recordVerifyAborted(VerifyContext verify) {
        record("verifyAborted", verify);
    }

    @Override
    public synchronized void recordVerifySuccess(VerifyContext verify) {
        record("verifySuccess", verify);
    }

    private void record(String name, VerifyContext verify) {
        record(name, verify.phone() == null ? null : verify.phone().e164(), verify.ip());
    }

    private void record(String name, String phone, String ip) {
        calls.add(new Call(name, phone, ip));
    }
}
