package org.phonepass.sms.support;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsMessage;

/** Numbers, messages and helpers shared by the SMS tests. */
public final class Fixtures {
    public static final PhoneNumber US = new PhoneNumber("+12015550123", "US", 1);
    public static final PhoneNumber IN = new PhoneNumber("+919876543210", "IN", 91);
    public static final PhoneNumber FR = new PhoneNumber("+33612345678", "FR", 33);

    private Fixtures() {}

    public static SmsMessage message(PhoneNumber to) {
        return new SmsMessage(to, "Your verification code is: 123456", "123456", "en", "client-1");
    }

    /** Waits for a stage, with a bound so that a broken test fails instead of hanging. */
    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the stage did not complete", e);
        }
    }

    /** The delivery failure a stage ended with. */
    public static SmsDeliveryException failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SmsDeliveryException sde) {
                return sde;
            }
            throw new AssertionError("failed with something else", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the stage did not complete", e);
        }
        throw new AssertionError("the stage succeeded");
    }
}
