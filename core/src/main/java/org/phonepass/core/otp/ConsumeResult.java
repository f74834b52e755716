package org.phonepass.core.otp;

/**
 * What one verification attempt did.
 *
 * @param outcome           the outcome
 * @param attemptsRemaining wrong codes still allowed on the newest live code (0 when none is live)
 */
public record ConsumeResult(Outcome outcome, int attemptsRemaining) {
    public enum Outcome {
        /** The code matched a live challenge, which is now used. */
        ACCEPTED,
        /** A live challenge exists but the code did not match; the attempt was counted. */
        WRONG_CODE,
        /** No live challenge: none was issued, or it expired, was used, was replaced or is dead. */
        NO_LIVE_CHALLENGE
    }

    public static ConsumeResult accepted() {
        return new ConsumeResult(Outcome.ACCEPTED, 0);
    }

    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
