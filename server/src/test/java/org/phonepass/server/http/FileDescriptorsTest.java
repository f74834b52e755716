package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

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
}
