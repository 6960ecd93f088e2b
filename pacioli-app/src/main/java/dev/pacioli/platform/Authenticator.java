package dev.pacioli.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: making secrets, and finding the key a bearer token names.
 *
 * <p>A secret is {@code pacioli_} followed by 32 random bytes in base64url. Only its SHA-256 is
 * stored. A fast hash is the right one here (GitHub and Stripe do the same): the secret has 256 bits
 * of entropy, so there is nothing for a slow hash to protect against guessing, and looking a key up by
 * its hash needs no comparison of secrets at all, so no timing leaks.
 *
 * <p>Found keys are cached for {@link #CACHE_MILLIS} so a busy client costs no query per request.
 * Revoking through this service empties the cache entry at once; a key revoked by another process
 * stops working within {@link #CACHE_MILLIS}.
 */
public final class Authenticator {
    public static final String SECRET_PREFIX = "pacioli_";
    public static final long CACHE_MILLIS = 5_000;
    private static final int CACHE_ENTRIES_MAX = 10_000;
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where keys are found by the hash of their secret: the access capability's store. */
    @FunctionalInterface
    public interface Keys {
        Optional<ApiKey> findBySecretHash(byte[] secretHash);
    }

    private final Keys keys;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(ApiKey key, long loadedAtNanos) {}

    public Authenticator(Keys keys) {
        this.keys = keys;
    }

    public static String newSecret() {
        byte[] random = new byte[SECRET_BYTES];
        RANDOM.nextBytes(random);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The active key this secret belongs to, or empty (unknown or revoked). */
    public Optional<ApiKey> authenticate(String secret) {
        byte[] hash = hash(secret);
        String cacheKey = HexFormat.of().formatHex(hash);
        Cached cached = cache.get(cacheKey);
        long now = System.nanoTime();
        if (cached == null || now - cached.loadedAtNanos() > CACHE_MILLIS * 1_000_000) {
            Optional<ApiKey> found = keys.findBySecretHash(hash);
            if (found.isEmpty()) {
                cache.remove(cacheKey);
                return Optional.empty();
            }
            if (cache.size() >= CACHE_ENTRIES_MAX) {
                cache.clear();
            }
            cached = new Cached(found.get(), now);
            cache.put(cacheKey, cached);
        }
        return cached.key().isRevoked() ? Optional.empty() : Optional.of(cached.key());
    }

    /** Forgets a revoked key at once. */
    public void forget(String keyId) {
        cache.values().removeIf(cached -> cached.key().id().equals(keyId));
    }
}
