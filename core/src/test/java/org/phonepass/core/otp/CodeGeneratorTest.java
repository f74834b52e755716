package org.phonepass.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Codes from SecureRandom: digits only, the asked length, every digit used in every position (ASVS 2.7.6). */
class CodeGeneratorTest {
    private final CodeGenerator codes = new CodeGenerator(new SecureRandom());

    @Test
    void generateWhenLengthInRangeThenThatManyDigits() {
        for (int length = CodeGenerator.MIN_LENGTH; length <= CodeGenerator.MAX_LENGTH; length++) {
            assertThat(codes.generate(length)).matches("[0-9]{" + length + "}");
        }
    }

    @Test
    void generateWhenManyCodesThenEveryDigitAppearsInEveryPositionIncludingLeadingZero() {
        boolean[][] seen = new boolean[6][10];
        for (int i = 0; i < 5_000; i++) {
            String code = codes.generate(6);
            for (int p = 0; p < 6; p++) {
                seen[p][code.charAt(p) - '0'] = true;
            }
        }
        for (boolean[] position : seen) {
            assertThat(position).containsOnly(true);
        }
    }

    @Test
    void generateWhenLengthOutOfRangeThenRefused() {
        assertThatThrownBy(() -> codes.generate(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codes.generate(11)).isInstanceOf(IllegalArgumentException.class);
    }
}
