package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.phonepass.core.user.UserQuery;
import org.phonepass.core.user.UserQuery.Field;
import org.phonepass.core.user.UserQueryParser;
import org.phonepass.core.user.UserQueryParser.InvalidQueryException;

/** The Lucene subset of the user search (docs/management.md#searching-users): what it accepts and what it refuses. */
class UserQueryParserTest {
    @Test
    void parseWhenBlankThenEveryUser() {
        assertThat(UserQueryParser.parse(null)).isEqualTo(new UserQuery.All());
        assertThat(UserQueryParser.parse("  ")).isEqualTo(new UserQuery.All());
    }

    @Test
    void parseWhenQuotedOrEscapedNumberThenEquals() {
        UserQuery expected = new UserQuery.Equals(Field.PHONE_NUMBER, "+15555550123");
        assertThat(UserQueryParser.parse("phone_number:\"+15555550123\"")).isEqualTo(expected);
        assertThat(UserQueryParser.parse("phone_number:\\+15555550123")).isEqualTo(expected);
        assertThat(UserQueryParser.parse("phone_number:+15555550123")).isEqualTo(expected);
    }

    @Test
    void parseWhenTrailingStarOnANumberThenPrefix() {
        assertThat(UserQueryParser.parse("phone_number:+4420*")).isEqualTo(new UserQuery.PhonePrefix("+4420"));
    }

    @Test
    void parseWhenOperatorsThenTheTreeWithAndBindingTighterThanOr() {
        UserQuery q = UserQueryParser.parse("blocked:true AND NOT user_id:\"sms|aa\" OR logins_count:0");
        assertThat(q)
                .isEqualTo(new UserQuery.Or(List.of(
                        new UserQuery.And(List.of(
                                new UserQuery.Equals(Field.BLOCKED, "true"),
                                new UserQuery.Not(new UserQuery.Equals(Field.USER_ID, "sms|aa")))),
                        new UserQuery.Equals(Field.LOGINS_COUNT, "0"))));
        assertThat(UserQueryParser.parse("blocked:false _exists_:last_login"))
                .isEqualTo(new UserQuery.And(
                        List.of(new UserQuery.Equals(Field.BLOCKED, "false"), new UserQuery.Exists(Field.LAST_LOGIN))));
        assertThat(UserQueryParser.parse("-(blocked:true)"))
                .isEqualTo(new UserQuery.Not(new UserQuery.Equals(Field.BLOCKED, "true")));
    }

    @Test
    void parseWhenDatesThenHalfOpenRangesInUtc() {
        assertThat(UserQueryParser.parse("created_at:2024-05-31"))
                .isEqualTo(new UserQuery.DateRange(
                        Field.CREATED_AT,
                        Instant.parse("2024-05-31T00:00:00Z"),
                        true,
                        Instant.parse("2024-06-01T00:00:00Z"),
                        false));
        assertThat(UserQueryParser.parse("last_login:[2024-05-01 TO 2024-05-31]"))
                .isEqualTo(new UserQuery.DateRange(
                        Field.LAST_LOGIN,
                        Instant.parse("2024-05-01T00:00:00Z"),
                        true,
                        Instant.parse("2024-06-01T00:00:00Z"),
                        false));
        assertThat(UserQueryParser.parse("updated_at:{2024-05-01T10:00:00Z TO *]"))
                .isEqualTo(new UserQuery.DateRange(
                        Field.UPDATED_AT, Instant.parse("2024-05-01T10:00:00.001Z"), true, null, false));
    }

    @Test
    void parseWhenOutsideTheSubsetThenRefusedWithAReason() {
        for (String q : List.of(
                "bob",
                "email:a@b.c",
                "phone_number:\"+1' OR 1=1 --\"",
                "phone_number:+1*5",
                "phone_number:/[0-9]+/",
                "phone_number:+15555550123~",
                "blocked:maybe",
                "logins_count:[1 TO 2]",
                "created_at:[2024 TO 2025]",
                "created_at:[2024-01-01 2025-01-01]",
                "(blocked:true",
                "blocked:true)",
                "user_id:\"unterminated",
                "user_id:a;DROP",
                "_exists_:password")) {
            assertThatThrownBy(() -> UserQueryParser.parse(q))
                    .as(q)
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageNotContaining("Exception");
        }
    }

    @Test
    void parseWhenTooLongTooDeepOrTooManyTermsThenRefused() {
        assertThatThrownBy(() -> UserQueryParser.parse("blocked:true ".repeat(90)))
                .isInstanceOf(InvalidQueryException.class);
        assertThatThrownBy(() -> UserQueryParser.parse("(".repeat(11) + "blocked:true" + ")".repeat(11)))
                .isInstanceOf(InvalidQueryException.class);
        assertThatThrownBy(() -> UserQueryParser.parse("blocked:true OR ".repeat(51) + "blocked:true"))
                .isInstanceOf(InvalidQueryException.class);
    }
}
