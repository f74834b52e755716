package org.phonepass.core.otp;

import java.util.Objects;

/**
 * What one non-consuming code check did ({@link ChallengeStore#check}).
 *
 * @param outcome           {@link ConsumeResult.Outcome#ACCEPTED} when the code matched a live challenge (which
 *                          stays live and uncounted), otherwise as for a consume
 * @param attemptsRemaining the most wrong codes any candidate's live code still allows (0 when none is live)
 * @param clientId          the client whose challenge matched; null unless accepted
 */
public record CheckResult(ConsumeResult.Outcome outcome, int attemptsRemaining, String clientId) {
    public CheckResult {
        Objects.requireNonNull(outcome, "outcome cannot be null");
        if ((outcome == ConsumeResult.Outcome.ACCEPTED) != (clientId != null)) {
            throw new IllegalArgumentException("clientId is set exactly when the check is accepted");
        }
    }

    public static CheckResult accepted(String clientId) {
        return new CheckResult(ConsumeResult.Outcome.ACCEPTED, 0, clientId);
    }

    public boolean isAccepted() {
        return outcome == ConsumeResult.Outcome.ACCEPTED;
    }
}
