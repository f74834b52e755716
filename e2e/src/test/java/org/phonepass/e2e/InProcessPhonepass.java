package org.phonepass.e2e;

/** Starts org.phonepass.server.PhonepassServer in this JVM (wired once the server module has it). */
final class InProcessPhonepass {

    private InProcessPhonepass() {
    }

    static PhonepassUnderTest start(String pageOrigin) {
        throw new UnsupportedOperationException("the in-process server is not wired yet; pass -Dphonepass.e2e.server");
    }
}
