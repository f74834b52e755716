package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check of the file-descriptor limit (docs/deployment.md, "File descriptors"). */
class FileDescriptorsTest {
    @Test
    void lowLimitThenWarningSaysHowToRaiseItAndConnectionsAreCappedBelowIt() {
        String warning = FileDescriptors.warning(OptionalLong.of(1024));
        assertThat(warning).contains("1024").contains("LimitNOFILE").contains("ulimit -n");
        assertThat(FileDescriptors.connectionCap(OptionalLong.of(1024))).isEqualTo(1024 - FileDescriptors.RESERVED);
        assertThat(FileDescriptors.connectionCap(OptionalLong.of(300))).isEqualTo(150);
    }

    @Test
    void enoughOrUnknownLimitThenNoWarning() {
        assertThat(FileDescriptors.warning(OptionalLong.of(65536))).isNull();
        assertThat(FileDescriptors.warning(OptionalLong.empty())).isNull();
        assertThat(FileDescriptors.connectionCap(OptionalLong.empty())).isZero();
    }

    @Test
    void thisProcessWhenOnLinuxThenLimitIsRead() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(FileDescriptors.limit()).isPresent();
        }
    }

    /** The start reads /proc/self/limits instead of the management bean; both must give the same figure. */
    @Test
    void thisProcessWhenOnLinuxThenProcLimitsGiveWhatTheManagementBeanGives() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(FileDescriptors.fromProcLimits(Path.of("/proc/self/limits")))
                    .isEqualTo(FileDescriptors.fromManagementBean());
            assertThat(FileDescriptors.limit()).isEqualTo(FileDescriptors.fromManagementBean());
        }
    }

    @Test
    void procLimitsWhenSoftLimitUnlimitedOrMissingThenAsTheBeanOrUnknown(@TempDir Path dir) throws Exception {
        String header = "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max cpu time              unlimited            unlimited            seconds   \n";
        Path limits = dir.resolve("limits");
        Files.writeString(
                limits, header + "Max open files            1024                 524288               files     \n");
        assertThat(FileDescriptors.fromProcLimits(limits)).isEqualTo(OptionalLong.of(1024));
        Files.writeString(
                limits, header + "Max open files            unlimited            unlimited            files     \n");
        assertThat(FileDescriptors.fromProcLimits(limits)).isEqualTo(OptionalLong.empty());
        Files.writeString(limits, header);
        assertThat(FileDescriptors.fromProcLimits(limits)).isNull();
        Files.writeString(
                limits, header + "Max open files            many                 524288               files     \n");
        assertThat(FileDescriptors.fromProcLimits(limits)).isNull();
        assertThat(FileDescriptors.fromProcLimits(dir.resolve("absent"))).isNull();
    }
}
