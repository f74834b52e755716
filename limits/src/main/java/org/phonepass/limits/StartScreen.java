package org.phonepass.limits;

import java.util.concurrent.CompletionStage;
import org.phonepass.core.abuse.StartContext;

/** A remote check a start must pass before its SMS is sent: the bot check and the pre-send hook. */
public interface StartScreen {

    /** Short name for logs, metrics and audit ({@code bot_check}). */
    String name();

    /**
     * Completes normally to let the send go ahead, or exceptionally with a {@code PhonepassException} to refuse it.
     * Must not block the calling thread and must complete within its configured timeout.
     */
    CompletionStage<Void> screen(StartContext start);
}
