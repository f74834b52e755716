package org.phonepass.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the browser suite finds Debian's Chromium, its driver, the npm bundles and the repository, and what
 * it does when one of them is missing: skip with a message that says how to install it, or fail under CI=true.
 */
public final class E2eEnvironment {

    public static final String HOW_TO_INSTALL = "install with: .ci/install-browser-deps "
            + "(that is: apt-get install chromium chromium-driver; cd e2e/web && npm ci; npm ci --prefix examples/spa-js-sms), "
            + "then run mvn -pl e2e -am verify";

    private E2eEnvironment() {}

    public static Path chromium() {
        return Path.of(System.getProperty("phonepass.e2e.chromium", "/usr/bin/chromium"));
    }

    public static Path chromedriver() {
        return Path.of(System.getProperty("phonepass.e2e.chromedriver", "/usr/bin/chromedriver"));
    }

    public static Path repoRoot() {
        String root = System.getProperty("phonepass.e2e.repoRoot");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    public static Path vendorDir() {
        String dir = System.getProperty("phonepass.e2e.vendorDir");
        return dir != null ? Path.of(dir) : repoRoot().resolve("e2e/target/web-vendor");
    }

    public static Path screenshotsDir() {
        String dir = System.getProperty("phonepass.e2e.screenshots");
        return dir != null ? Path.of(dir) : repoRoot().resolve("e2e/target/screenshots");
    }

    public static Path sampleApp() {
        return repoRoot().resolve("examples/jquery-sms-spa");
    }

    public static Path sdkDir() {
        return repoRoot().resolve("js");
    }

    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips the calling test (or fails it under CI=true) unless Chromium, chromedriver and the bundles exist. */
    public static void requireBrowserAndBundles() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(chromium())) {
            missing.add("Chromium (" + chromium() + ")");
        }
        if (!Files.isExecutable(chromedriver())) {
            missing.add("chromedriver (" + chromedriver() + ")");
        }
        for (String bundle :
                List.of("jquery.min.js", "auth0-7.6.1.js", "auth0-lock-passwordless-2.2.3.js", "axe.min.js")) {
            if (!Files.isRegularFile(vendorDir().resolve(bundle))) {
                missing.add("the npm bundle " + vendorDir().resolve(bundle));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "Browser suite cannot run, missing: " + String.join(", ", missing) + ". " + HOW_TO_INSTALL;
        if (isCi()) {
            fail(message + " (CI=true: the browser suite must run)");
        }
        System.err.println("[e2e] SKIPPED: " + message);
        assumeTrue(false, message);
    }
}
