package org.phonepass.store.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyRingTest {
    @Test
    void parseWhenSeveralKeysThenFirstIsCurrentAndIdsAreStable() {
        String a = TestKeys.newMasterKey();
        String b = TestKeys.newMasterKey();
        MasterKeyRing ring = MasterKeyRing.parse(" " + a + ",\n" + b + "\n");
        assertThat(ring.ids()).hasSize(2);
        assertThat(ring.currentId())
                .isEqualTo(MasterKeyRing.parse(a).currentId())
                .hasSize(16);
        assertThat(ring.ids().get(1)).isEqualTo(MasterKeyRing.parse(b).currentId());
    }

    @Test
    void parseWhenKeyHasWrongLengthThenRejectedWithoutEchoingIt() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> MasterKeyRing.parse(shortKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void parseWhenNotBase64OrEmptyOrDuplicatedThenRejected() {
        assertThatThrownBy(() -> MasterKeyRing.parse("not*base64!"))
                .hasMessageContaining("not base64")
                .hasMessageNotContaining("not*base64!");
        assertThatThrownBy(() -> MasterKeyRing.parse("  ")).hasMessageContaining("no master key");
        String a = TestKeys.newMasterKey();
        assertThatThrownBy(() -> MasterKeyRing.parse(a + " " + a)).hasMessageContaining("twice");
    }

    @Test
    void toStringWhenPrintedThenShowsIdsOnly() {
        String a = TestKeys.newMasterKey();
        MasterKeyRing ring = MasterKeyRing.parse(a);
        assertThat(ring.toString()).contains(ring.currentId()).doesNotContain(a);
    }

    @Test
    void fromEnvironmentWhenVariableOrFileThenSameRing(@TempDir Path dir) throws Exception {
        String a = TestKeys.newMasterKey();
        Path file = dir.resolve("master.key");
        Files.writeString(file, a + "\n");
        String fromVar = MasterKeyRing.fromEnvironment(Map.of(MasterKeyRing.ENV, a))
                .orElseThrow()
                .currentId();
        String fromFile = MasterKeyRing.fromEnvironment(Map.of(MasterKeyRing.FILE_ENV, file.toString()))
                .orElseThrow()
                .currentId();
        assertThat(fromFile).isEqualTo(fromVar);
    }

    @Test
    void fromEnvironmentWhenNeitherThenEmptyAndWhenBothThenRejected() {
        assertThat(MasterKeyRing.fromEnvironment(Map.of())).isEmpty();
        assertThatThrownBy(() -> MasterKeyRing.fromEnvironment(
                        Map.of(MasterKeyRing.ENV, TestKeys.newMasterKey(), MasterKeyRing.FILE_ENV, "/nonexistent")))
                .hasMessageContaining("not both");
    }
}
