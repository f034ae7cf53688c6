package com.procledger.infra.identity;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TotpTest {

    /** RFC 6238, Appendix B: the SHA-1 seed and its 8-digit codes. */
    static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theRfc6238TestVectorsForSha1() {
        Object[][] vectors = {
                {59L, "94287082"}, {1111111109L, "07081804"}, {1111111111L, "14050471"},
                {1234567890L, "89005924"}, {2000000000L, "69279037"}, {20000000000L, "65353130"}};
        for (Object[] vector : vectors) {
            long step = Totp.step(Instant.ofEpochSecond((Long) vector[0]));
            assertThat(Totp.code(RFC_SEED, step, 8)).as("T = %s", vector[0]).isEqualTo(vector[1]);
            // six digits, as apps show them: the same number modulo 10^6
            assertThat(Totp.code(RFC_SEED, step, 6)).isEqualTo(((String) vector[1]).substring(2));
        }
    }

    @Test
    void aCodeMatchesItsStepAndTheStepsBesideItOnly() {
        Instant at = Instant.ofEpochSecond(1111111111L);
        long step = Totp.step(at);
        assertThat(Totp.matchingStep(RFC_SEED, "050471", at)).hasValue(step);
        assertThat(Totp.matchingStep(RFC_SEED, Totp.code(RFC_SEED, step - 1, 6), at)).hasValue(step - 1);
        assertThat(Totp.matchingStep(RFC_SEED, Totp.code(RFC_SEED, step + 1, 6), at)).hasValue(step + 1);
        assertThat(Totp.matchingStep(RFC_SEED, Totp.code(RFC_SEED, step - 2, 6), at)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SEED, "12345", at)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SEED, null, at)).isEmpty();
    }

    @Test
    void base32AsRfc4648() {
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
        assertThat(Totp.base32(RFC_SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    /** Ours against an independent, maintained implementation (com.eatthepath:java-otp), on random secrets and times. */
    @Test
    void agreesWithAnIndependentImplementationOnRandomSecretsAndTimes() throws Exception {
        var random = new java.security.SecureRandom();
        var theirs = new com.eatthepath.otp.TimeBasedOneTimePasswordGenerator(
                java.time.Duration.ofSeconds(Totp.STEP_SECONDS), Totp.DIGITS, "HmacSHA1");
        for (int i = 0; i < 2_000; i++) {
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            java.time.Instant at = java.time.Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L));
            String expected = theirs.generateOneTimePasswordString(
                    new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA1"), at);
            assertThat(Totp.code(secret, Totp.step(at), Totp.DIGITS)).as("secret %d at %s", i, at).isEqualTo(expected);
            assertThat(Totp.matchingStep(secret, expected, at)).hasValue(Totp.step(at));
        }
    }

}
