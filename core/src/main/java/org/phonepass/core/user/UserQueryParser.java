package org.phonepass.core.user;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses the subset of Lucene query syntax that people use against Auth0's user search
 * (docs/management.md#searching-users): {@code field:value} and {@code field:"value"} terms on a closed set of fields,
 * {@code [a TO b]} and {@code {a TO b}} date ranges with {@code *} for an open end, a trailing {@code *} on a phone
 * number, {@code _exists_:field}, {@code AND}, {@code OR}, {@code NOT} (or a leading {@code -}) and parentheses.
 * Terms side by side are joined by AND. Anything else is refused with a message that says what was not understood:
 * the parser never passes text on to a store, which only ever sees the tree of typed values.
 */
public final class UserQueryParser {
    /** Longest query accepted. */
    public static final int MAX_LENGTH = 1_000;

    private static final int MAX_TERMS = 50;
    private static final int MAX_DEPTH = 10;
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    private static final Pattern PHONE_PREFIX = Pattern.compile("^\\+[0-9]{1,15}$");
    private static final Pattern USER_ID = Pattern.compile("^[A-Za-z0-9|_.-]{1,128}$");
    private static final Pattern COUNT = Pattern.compile("^[0-9]{1,12}$");

    private final String text;
    private int pos;
    private int terms;
    private int depth;

    private UserQueryParser(String text) {
        this.text = text;
    }

    /** Why a query was refused. */
    public static final class InvalidQueryException extends IllegalArgumentException {
        public InvalidQueryException(String message) {
            super(message);
        }
    }

    /**
     * @param q the query; null or blank matches every user
     * @throws InvalidQueryException for anything outside the subset
     */
    public static UserQuery parse(String q) {
        if (q == null || q.isBlank()) {
            return new UserQuery.All();
        }
        if (q.length() > MAX_LENGTH) {
            throw new InvalidQueryException("The query is longer than " + MAX_LENGTH + " characters.");
        }
        UserQueryParser p = new UserQueryParser(q);
        UserQuery result = p.or();
        p.skipSpace();
        if (p.pos < q.length()) {
            throw p.error("unexpected '" + q.charAt(p.pos) + "'");
        }
        return result;
    }

    private UserQuery or() {
        List<UserQuery> parts = new ArrayList<>();
        parts.add(and());
        while (keyword("OR") || symbol("||")) {
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new UserQuery.Or(parts);
    }

    private UserQuery and() {
        List<UserQuery> parts = new ArrayList<>();
        parts.add(unary());
        while (true) {
            if (keyword("AND") || symbol("&&")) {
                parts.add(unary());
                continue;
            }
            skipSpace();
            if (pos >= text.length() || text.charAt(pos) == ')' || peekKeyword("OR") || text.startsWith("||", pos)) {
                break;
            }
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new UserQuery.And(parts);
    }

    private UserQuery unary() {
        skipSpace();
        if (keyword("NOT") || symbol("-") || symbol("!")) {
            return new UserQuery.Not(nested(this::unary));
        }
        if (symbol("(")) {
            UserQuery inner = nested(this::or);
            if (!symbol(")")) {
                throw error("missing ')'");
            }
            return inner;
        }
        return term();
    }

    private UserQuery nested(java.util.function.Supplier<UserQuery> parse) {
        if (++depth > MAX_DEPTH) {
            throw new InvalidQueryException("The query nests deeper than " + MAX_DEPTH + " levels.");
        }
        UserQuery q = parse.get();
        depth--;
        return q;
    }

    private UserQuery term() {
        if (++terms > MAX_TERMS) {
            throw new InvalidQueryException("The query has more than " + MAX_TERMS + " terms.");
        }
        skipSpace();
        int start = pos;
        while (pos < text.length()
                && (Character.isLetterOrDigit(text.charAt(pos)) || "_.".indexOf(text.charAt(pos)) >= 0)) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw error("expected a field name");
        }
        if (!symbol(":")) {
            throw new InvalidQueryException("Free-text search is not supported: name a field, as in phone_number:\""
                    + "+15555550123\". Fields: " + fieldNames() + ".");
        }
        if (name.equals("_exists_")) {
            int s = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            return new UserQuery.Exists(field(text.substring(s, pos)));
        }
        UserQuery.Field field = field(name);
        skipSpace();
        if (pos < text.length() && (text.charAt(pos) == '[' || text.charAt(pos) == '{')) {
            return range(field);
        }
        boolean quoted = pos < text.length() && text.charAt(pos) == '"';
        String value = quoted ? quoted() : bare();
        return value(field, value, quoted);
    }

    private UserQuery value(UserQuery.Field field, String value, boolean quoted) {
        switch (field) {
            case PHONE_NUMBER -> {
                if (!quoted && value.endsWith("*") && value.indexOf('*') == value.length() - 1) {
                    String prefix = value.substring(0, value.length() - 1);
                    if (!PHONE_PREFIX.matcher(prefix).matches()) {
                        throw new InvalidQueryException("phone_number: a prefix search is '+' and digits, then '*'.");
                    }
                    return new UserQuery.PhonePrefix(prefix);
                }
                if (!E164.matcher(value).matches()) {
                    throw new InvalidQueryException(
                            "phone_number: use the E.164 form, as in phone_number:\"+15555550123\".");
                }
                return new UserQuery.Equals(field, value);
            }
            case USER_ID -> {
                if (!USER_ID.matcher(value).matches()) {
                    throw new InvalidQueryException("user_id: expected an id such as sms|5f85d99a2c673038a8111f5f.");
                }
                return new UserQuery.Equals(field, value);
            }
            case BLOCKED -> {
                String v = value.toLowerCase(Locale.ROOT);
                if (!v.equals("true") && !v.equals("false")) {
                    throw new InvalidQueryException("blocked: expected true or false.");
                }
                return new UserQuery.Equals(field, v);
            }
            case LOGINS_COUNT -> {
                if (!COUNT.matcher(value).matches()) {
                    throw new InvalidQueryException("logins_count: expected a whole number.");
                }
                return new UserQuery.Equals(field, value);
            }
            default -> {
                // A date alone is that whole UTC day.
                Instant day = date(field, value, false);
                Instant next = date(field, value, true);
                return new UserQuery.DateRange(field, day, true, next, false);
            }
        }
    }

    private UserQuery range(UserQuery.Field field) {
        if (!field.isDate()) {
            throw new InvalidQueryException(
                    field.wireName() + ": ranges are for created_at, updated_at and last_login.");
        }
        boolean fromInclusive = text.charAt(pos++) == '[';
        skipSpace();
        String from = bare();
        if (!keyword("TO")) {
            throw error("expected TO in the range");
        }
        skipSpace();
        String to = bareUntilBracket();
        skipSpace();
        if (pos >= text.length() || (text.charAt(pos) != ']' && text.charAt(pos) != '}')) {
            throw error("expected ']' or '}' to end the range");
        }
        boolean toInclusive = text.charAt(pos++) == ']';
        Instant f = from.equals("*") ? null : date(field, from, !fromInclusive);
        // An inclusive end on a bare date means the whole day.
        Instant t = to.equals("*") ? null : date(field, to, toInclusive);
        return new UserQuery.DateRange(field, f, true, t, false);
    }

    /**
     * A date or instant; with {@code afterDay} a bare date gives the start of the next day (for inclusive ends) and
     * an instant moves by one millisecond, so every range becomes {@code [from, to)}.
     */
    private static Instant date(UserQuery.Field field, String value, boolean after) {
        try {
            if (value.length() == 10) {
                LocalDate d = LocalDate.parse(value);
                return (after ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            Instant i = Instant.parse(value);
            return after ? i.plusMillis(1) : i;
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(
                    field.wireName() + ": expected a date (2024-05-31) or an instant (2024-05-31T12:00:00Z).");
        }
    }

    private static UserQuery.Field field(String name) {
        return Arrays.stream(UserQuery.Field.values())
                .filter(f -> f.wireName().equals(name))
                .findFirst()
                .orElseThrow(() -> new InvalidQueryException(
                        "The field '" + abbreviate(name) + "' cannot be searched. Fields: " + fieldNames() + "."));
    }

    private static String fieldNames() {
        return String.join(
                ", ",
                Arrays.stream(UserQuery.Field.values())
                        .map(UserQuery.Field::wireName)
                        .toList());
    }

    private String quoted() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '"') {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
            }
            out.append(c);
        }
        if (pos >= text.length()) {
            throw error("missing closing '\"'");
        }
        pos++;
        return out.toString();
    }

    private String bare() {
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '(' || c == ')') {
                break;
            }
            if (c == '\\' && pos + 1 < text.length()) {
                out.append(text.charAt(pos + 1));
                pos += 2;
                continue;
            }
            out.append(c);
            pos++;
        }
        if (out.isEmpty()) {
            throw error("expected a value");
        }
        return out.toString();
    }

    private String bareUntilBracket() {
        int start = pos;
        while (pos < text.length()
                && !Character.isWhitespace(text.charAt(pos))
                && text.charAt(pos) != ']'
                && text.charAt(pos) != '}') {
            pos++;
        }
        if (start == pos) {
            throw error("expected a value");
        }
        return text.substring(start, pos);
    }

    private boolean keyword(String word) {
        skipSpace();
        if (peekKeyword(word)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    private boolean peekKeyword(String word) {
        int end = pos + word.length();
        return text.startsWith(word, pos)
                && (end >= text.length() || Character.isWhitespace(text.charAt(end)) || text.charAt(end) == '(');
    }

    private boolean symbol(String s) {
        skipSpace();
        if (text.startsWith(s, pos)) {
            pos += s.length();
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private InvalidQueryException error(String what) {
        return new InvalidQueryException("The query could not be parsed at character " + (pos + 1) + ": " + what
                + ". Supported: field:value, field:\"value\", [from TO to], AND, OR, NOT, parentheses.");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** For the error text of callers that know the query: the fields a query may name. */
    public static Optional<UserQuery.Field> fieldNamed(String name) {
        return Arrays.stream(UserQuery.Field.values())
                .filter(f -> f.wireName().equals(name))
                .findFirst();
    }
}
