package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditSearch;
import org.phonepass.core.client.ClientStore;
import org.phonepass.core.token.RefreshTokenRecord;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.ManagedUser;
import org.phonepass.core.user.UserAdminStore;
import org.phonepass.core.user.UserAdminStore.SortField;
import org.phonepass.core.user.UserQueryParser;
import org.phonepass.core.user.UserStore;

/**
 * The Management API's stores on a real database (docs/management.md): the user search's SQL, blocking and
 * erasing with the user's tokens, clients with their version, the connection options, and the audit search. Run
 * on the embedded database and on PostgreSQL by the two subclasses.
 */
abstract class ManagementStoreChecks {
    private static final SecureRandom RANDOM = new SecureRandom();

    protected abstract SqlStorage storage();

    /** Numbers of their own for each test: the database is shared. */
    private final String prefix = "+1" + (200 + RANDOM.nextInt(700)) + (1000 + RANDOM.nextInt(9000));

    private static String id() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private ManagedUser create(String suffix, Instant at) {
        return storage()
                .userAdmin()
                .create(id(), prefix + suffix, null, null, false, at)
                .orElseThrow();
    }

    private List<String> phones(String q, SortField sort, boolean asc) {
        return storage().userAdmin().search(UserQueryParser.parse(q), sort, asc, 0, 100, false).users().stream()
                .map(u -> u.user().phone())
                .toList();
    }

    @Test
    void searchWhenQueriedThenTheSqlMatchesTheTree() {
        Instant t0 = Instant.parse("2024-03-01T10:00:00Z");
        ManagedUser a = create("1", t0);
        create("2", t0.plus(1, ChronoUnit.DAYS));
        create("3", t0.plus(2, ChronoUnit.DAYS));
        storage().users().recordLogin(prefix + "3", "unused", "198.51.100.7", t0.plus(3, ChronoUnit.DAYS), false);
        UserAdminStore admin = storage().userAdmin();
        admin.update(a.user().id(), new UserAdminStore.Change(null, true, null, null), t0);

        assertThat(phones("phone_number:" + prefix + "*", SortField.PHONE_NUMBER, true))
                .containsExactly(prefix + "1", prefix + "2", prefix + "3");
        assertThat(phones("phone_number:" + prefix + "* AND blocked:true", SortField.PHONE_NUMBER, true))
                .containsExactly(prefix + "1");
        assertThat(phones("phone_number:" + prefix + "* AND NOT blocked:true", SortField.PHONE_NUMBER, false))
                .containsExactly(prefix + "3", prefix + "2");
        assertThat(phones(
                        "phone_number:" + prefix + "* AND created_at:[2024-03-02 TO 2024-03-03]",
                        SortField.CREATED_AT,
                        true))
                .containsExactly(prefix + "2", prefix + "3");
        assertThat(phones("phone_number:" + prefix + "* AND created_at:2024-03-01", SortField.CREATED_AT, true))
                .containsExactly(prefix + "1");
        assertThat(phones(
                        "phone_number:" + prefix + "* AND (_exists_:last_login OR logins_count:0)",
                        SortField.LOGINS_COUNT,
                        false))
                .startsWith(prefix + "3")
                .containsExactlyInAnyOrder(prefix + "3", prefix + "1", prefix + "2");
        assertThat(phones("phone_number:" + prefix + "* AND logins_count:1", SortField.LAST_LOGIN, true))
                .containsExactly(prefix + "3");
        assertThat(phones("user_id:\"sms|" + a.user().id() + "\"", SortField.USER_ID, true))
                .containsExactly(prefix + "1");
        assertThat(phones("user_id:\"auth0|" + a.user().id() + "\"", SortField.USER_ID, true))
                .isEmpty();
        UserAdminStore.Page page = admin.search(
                UserQueryParser.parse("phone_number:" + prefix + "*"), SortField.PHONE_NUMBER, true, 1, 1, true);
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.users()).extracting(u -> u.user().phone()).containsExactly(prefix + "2");
    }

    @Test
    void updateWhenBlockedOrRenumberedThenTokensEndAndConflictsAreTold() {
        Instant now = Instant.parse("2024-04-01T00:00:00Z");
        ManagedUser u = create("4", now);
        ManagedUser other = create("5", now);
        byte[] hash = TokenService.sha256("refresh-" + prefix);
        storage()
                .refreshTokens()
                .save(
                        hash,
                        new RefreshTokenRecord(
                                "fam-" + prefix,
                                u.user().userId(),
                                "app",
                                "openid offline_access",
                                null,
                                now,
                                now.plus(30, ChronoUnit.DAYS)));
        UserAdminStore admin = storage().userAdmin();
        assertThat(admin.update(
                        u.user().id(), new UserAdminStore.Change(other.user().phone(), null, null, null), now))
                .isEqualTo(UserAdminStore.UpdateOutcome.PHONE_TAKEN);
        assertThat(admin.update("ffffffffffffffffffffffff", new UserAdminStore.Change(null, true, null, null), now))
                .isEqualTo(UserAdminStore.UpdateOutcome.NOT_FOUND);
        assertThat(storage().refreshTokens().findLive(hash, now)).isPresent();
        assertThat(admin.update(u.user().id(), new UserAdminStore.Change(null, true, "{\"a\":1}", null), now))
                .isEqualTo(UserAdminStore.UpdateOutcome.UPDATED);
        assertThat(storage().refreshTokens().findLive(hash, now)).isEmpty();
        assertThat(storage().users().isBlocked(prefix + "4")).isTrue();
        assertThat(storage().users().isBlocked(prefix + "5")).isFalse();
        assertThat(admin.find(u.user().id()).orElseThrow().userMetadata()).isEqualTo("{\"a\":1}");
        assertThat(admin.create(id(), prefix + "4", null, null, false, now)).isEmpty();
    }

    @Test
    void recordLoginUnlessBlockedWhenBlockedThenNothingIsWrittenAndOtherwiseTheLoginIsRecorded() {
        Instant now = Instant.parse("2024-04-03T00:00:00Z");
        ManagedUser blocked = create("7", now);
        ManagedUser open = create("8", now);
        assertThat(storage()
                        .userAdmin()
                        .update(blocked.user().id(), new UserAdminStore.Change(null, true, null, null), now))
                .isEqualTo(UserAdminStore.UpdateOutcome.UPDATED);
        Instant later = now.plus(1, ChronoUnit.HOURS);
        for (boolean signUp : new boolean[] {true, false}) {
            UserStore.Login refused =
                    storage().users().recordLoginUnlessBlocked(prefix + "7", id(), "198.51.100.9", later, signUp);
            assertThat(refused.blocked()).isTrue();
            assertThat(refused.user()).isEmpty();
        }
        assertThat(storage().users().findByPhone(prefix + "7").orElseThrow().loginsCount())
                .isEqualTo(blocked.user().loginsCount());

        UserStore.Login first =
                storage().users().recordLoginUnlessBlocked(prefix + "8", id(), "198.51.100.9", later, true);
        assertThat(first.blocked()).isFalse();
        assertThat(first.user().orElseThrow().id()).isEqualTo(open.user().id());
        assertThat(first.user().orElseThrow().loginsCount())
                .isEqualTo(open.user().loginsCount() + 1);
        UserStore.Login second =
                storage().users().recordLoginUnlessBlocked(prefix + "8", id(), "198.51.100.10", later, false);
        assertThat(second.user().orElseThrow().lastIp()).isEqualTo("198.51.100.10");

        UserStore.Login created =
                storage().users().recordLoginUnlessBlocked(prefix + "9", id(), "198.51.100.9", later, true);
        assertThat(created.blocked()).isFalse();
        assertThat(created.user().orElseThrow().loginsCount()).isEqualTo(1);
        UserStore.Login unknown =
                storage().users().recordLoginUnlessBlocked(prefix + "0", id(), "198.51.100.9", later, false);
        assertThat(unknown.blocked()).isFalse();
        assertThat(unknown.user()).isEmpty();
        assertThat(storage().users().findByPhone(prefix + "0")).isEmpty();
    }

    @Test
    void deleteWhenUserHasTokensThenAllGoAndASecondDeleteFindsNothing() {
        Instant now = Instant.parse("2024-04-02T00:00:00Z");
        ManagedUser u = create("6", now);
        byte[] hash = TokenService.sha256("refresh2-" + prefix);
        storage()
                .refreshTokens()
                .save(
                        hash,
                        new RefreshTokenRecord(
                                "fam2-" + prefix,
                                u.user().userId(),
                                "app",
                                "openid",
                                null,
                                now,
                                now.plus(1, ChronoUnit.DAYS)));
        assertThat(storage().userAdmin().delete(u.user().id())).isTrue();
        assertThat(storage().refreshTokens().find(hash)).isEmpty();
        assertThat(storage().users().findByPhone(prefix + "6")).isEmpty();
        assertThat(storage().userAdmin().delete(u.user().id())).isFalse();
    }

    @Test
    void clientsWhenChangedThenTheVersionMovesAndSettingsClientsAreReplacedAlone() {
        JdbcClientStore clients = storage().clientStore();
        Instant now = Instant.now();
        String api = "api-" + id();
        String settings = "settings-" + id();
        long v0 = clients.version();
        assertThat(clients.insert(new ClientStore.Row(api, ClientStore.Source.API, "{\"name\":\"a\"}", null, now, now)))
                .isTrue();
        assertThat(clients.insert(new ClientStore.Row(api, ClientStore.Source.API, "{}", null, now, now)))
                .isFalse();
        long v1 = clients.version();
        assertThat(v1).isGreaterThan(v0);
        clients.replaceSettingsClients(List.of(
                new ClientStore.Row(settings, ClientStore.Source.SETTINGS, "{\"name\":\"s\"}", "sha256:x", now, now)));
        assertThat(clients.find(settings).orElseThrow().secretHash()).isEqualTo("sha256:x");
        assertThat(clients.find(api)).isPresent();
        clients.replaceSettingsClients(List.of());
        assertThat(clients.find(settings)).isEmpty();
        assertThat(clients.find(api)).isPresent();
        assertThat(clients.update(new ClientStore.Row(api, ClientStore.Source.API, "{\"name\":\"b\"}", null, now, now)))
                .isTrue();
        assertThat(clients.find(api).orElseThrow().definition()).isEqualTo("{\"name\":\"b\"}");
        assertThat(clients.delete(api)).isTrue();
        assertThat(clients.delete(api)).isFalse();
        assertThat(clients.version()).isGreaterThan(v1);
    }

    @Test
    void settingsClientsWhenSeededByNodesStartingTogetherThenEveryNodeSucceeds() throws Exception {
        JdbcClientStore clients = storage().clientStore();
        Instant now = Instant.now();
        String settings = "settings-" + id();
        List<ClientStore.Row> rows = List.of(
                new ClientStore.Row(settings, ClientStore.Source.SETTINGS, "{\"name\":\"s\"}", "sha256:y", now, now));
        java.util.concurrent.ExecutorService nodes = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> starts = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(nodes.submit(() -> {
                    go.await();
                    clients.replaceSettingsClients(rows);
                    return null;
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<?> start : starts) {
                start.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            nodes.shutdownNow();
        }
        assertThat(clients.find(settings).orElseThrow().secretHash()).isEqualTo("sha256:y");
        clients.replaceSettingsClients(List.of());
        assertThat(clients.find(settings)).isEmpty();
    }

    @Test
    void connectionOptionsWhenSavedThenReadBackWithANewVersion() {
        JdbcConnectionSettings c = storage().connectionSettings();
        String name = "test-" + id();
        long v = c.version();
        assertThat(c.options(name)).isEmpty();
        c.save(name, "{\"length\":8}", Instant.now());
        c.save(name, "{\"length\":7}", Instant.now());
        assertThat(c.options(name)).contains("{\"length\":7}");
        assertThat(c.version()).isGreaterThan(v);
    }

    @Test
    void auditSearchWhenFilteredThenKindsDetailsUsersAndCheckpoints() throws Exception {
        String client = "audit-" + id();
        Instant t = Instant.parse("2024-05-01T12:00:00Z");
        try (JdbcAuditLog log = storage().auditLog()) {
            log.record(new AuditEvent(
                    t,
                    AuditEvent.Type.VERIFY,
                    client,
                    null,
                    "192.0.2.1",
                    null,
                    AuditEvent.Outcome.FAILURE,
                    "wrong_code"));
            log.record(new AuditEvent(
                    t,
                    AuditEvent.Type.VERIFY,
                    client,
                    null,
                    "192.0.2.1",
                    null,
                    AuditEvent.Outcome.FAILURE,
                    "no_live_code"));
            log.record(new AuditEvent(
                            t.plusSeconds(86_400),
                            AuditEvent.Type.LOGIN,
                            client,
                            null,
                            "192.0.2.2",
                            null,
                            AuditEvent.Outcome.SUCCESS,
                            null)
                    .withUserId("sms|" + client));
            log.flush(java.time.Duration.ofSeconds(5));
            AuditSearch.Filter byClient = new AuditSearch.Filter(null, List.of(), client, null, null, null, null);
            List<AuditSearch.Stored> all = log.search(byClient, null, 0, 10);
            assertThat(all).hasSize(3);
            assertThat(all.get(0).event().type()).isEqualTo(AuditEvent.Type.LOGIN);
            assertThat(all.get(0).event().userId()).isEqualTo("sms|" + client);
            AuditSearch.Filter notWrong = new AuditSearch.Filter(
                    List.of(new AuditSearch.Kind(
                            AuditEvent.Type.VERIFY, AuditEvent.Outcome.FAILURE, "wrong_code", false)),
                    List.of(),
                    client,
                    null,
                    null,
                    null,
                    null);
            assertThat(log.search(notWrong, null, 0, 10))
                    .extracting(s -> s.event().detail())
                    .containsExactly("no_live_code");
            assertThat(log.count(notWrong)).isEqualTo(1);
            long oldest = all.get(2).id();
            assertThat(log.search(byClient, oldest, 0, 10))
                    .extracting(AuditSearch.Stored::id)
                    .containsExactly(all.get(1).id(), all.get(0).id());
            assertThat(log.find(oldest).orElseThrow().event().detail()).isEqualTo("wrong_code");
            assertThat(log.search(
                            new AuditSearch.Filter(null, List.of(), null, "sms|" + client, "192.0.2.2", t, null),
                            null,
                            0,
                            10))
                    .hasSize(1);
            Map<String, Long> perDay = log.perDay(
                    AuditEvent.Type.LOGIN,
                    AuditEvent.Outcome.SUCCESS,
                    Instant.parse("2024-05-01T00:00:00Z"),
                    Instant.parse("2024-05-03T00:00:00Z"));
            assertThat(perDay.keySet()).containsExactly("2024-05-01", "2024-05-02");
            assertThat(perDay.get("2024-05-02")).isGreaterThanOrEqualTo(1);
            assertThat(Set.copyOf(perDay.values())).allMatch(n -> n >= 0);
        }
    }

    @Test
    void providerStatsWhenAddedByTwoNodesThenSummedPerRowWithTheLongestKeptAndOldDaysDeleted() {
        String provider = "p" + id().substring(0, 8);
        java.time.LocalDate d1 = java.time.LocalDate.parse("2026-02-01");
        java.time.LocalDate d2 = d1.plusDays(1);
        JdbcProviderStats stats = storage().providerStats();
        // Two nodes write the same day, provider, outcome and bucket, then a row of their own each.
        stats.add(List.of(
                new ProviderStat(d1, provider, "sent", 100, 3, 150, 90),
                new ProviderStat(d1, provider, "transient", 10_000, 1, 10_000, 10_000)));
        stats.add(List.of(
                new ProviderStat(d1, provider, "sent", 100, 2, 170, 99),
                new ProviderStat(d2, provider, "sent", 300, 1, 250, 250)));

        List<ProviderStat> mine = stats.between(d1, d2).stream()
                .filter(r -> r.provider().equals(provider))
                .toList();
        assertThat(mine)
                .containsExactly(
                        new ProviderStat(d1, provider, "sent", 100, 5, 320, 99),
                        new ProviderStat(d1, provider, "transient", 10_000, 1, 10_000, 10_000),
                        new ProviderStat(d2, provider, "sent", 300, 1, 250, 250));
        assertThat(stats.between(d2, d2).stream().filter(r -> r.provider().equals(provider)))
                .hasSize(1);

        stats.deleteBefore(d2);
        assertThat(stats.between(d1, d2).stream().filter(r -> r.provider().equals(provider)))
                .containsExactly(new ProviderStat(d2, provider, "sent", 300, 1, 250, 250));
    }
}
