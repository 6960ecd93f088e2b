package dev.pacioli.platform.alerts;

import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.io.InputStream;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the alert tests share: a schema of their own on each test server (so the dispatcher of the
 * service a test starts is the only one that sees its deliveries; the shared test services run
 * dispatchers with production timings), and the TLS of the SMTP server that runs in the test JVM.
 */
final class AlertTargets {
    private static final String STORE = "/alerts/smtp-server.p12";
    private static final char[] STORE_PASSWORD = "pacioli-test".toCharArray();
    private static List<Target> targets;

    private AlertTargets() {}

    /** A test server, in a schema of the alert tests' own. */
    record Target(String name, Database database) {
        @Override
        public String toString() {
            return name;
        }
    }

    static synchronized List<Target> all() {
        if (targets == null) {
            List<Target> all = new ArrayList<>();
            for (TestDatabases.TestDatabase database : TestDatabases.all()) {
                all.add(new Target(database.name(), ownSchema(database.database())));
            }
            targets = List.copyOf(all);
        }
        return targets;
    }

    private static Database ownSchema(Database shared) {
        return TestDatabases.ownSchema(shared, "pacioli_alerts", 8);
    }

    private static KeyStore serverStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = AlertTargets.class.getResourceAsStream(STORE)) {
            store.load(in, STORE_PASSWORD);
        }
        return store;
    }

    /** The SMTP server's side of STARTTLS: its key and certificate. */
    static SSLContext serverTls() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(serverStore(), STORE_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** The service's side: trusts the test server's certificate and nothing else. */
    static SSLContext clientTls() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("smtp", serverStore().getCertificate("smtp"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
