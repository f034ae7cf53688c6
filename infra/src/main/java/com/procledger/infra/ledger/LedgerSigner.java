package com.procledger.infra.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key that signs checkpoints. Its public half is published as PEM so that anyone can check a
 * checkpoint with {@code openssl pkeyutl -verify -pubin -inkey key.pem -rawin ...}. The key id is the first 16 hex
 * digits of the SHA-256 of the public key's DER (SubjectPublicKeyInfo) encoding.
 */
public final class LedgerSigner {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private LedgerSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyIdOf(publicKey);
    }

    /** Loads the PEM (PKCS#8) key at {@code file}, or creates one there (owner-readable only) if it does not exist. */
    public static LedgerSigner loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return fromPrivateKey(readPrivateKey(Files.readString(file)));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // a file system without POSIX permissions: the directory's protection applies
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            return new LedgerSigner(pair.getPrivate(), pair.getPublic());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or write the ledger signing key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the ledger signing key " + file + " is not an Ed25519 PKCS#8 key", e);
        }
    }

    /**
     * Replaces the key at {@code file} by a new one, keeping the old one beside it as
     * {@code <file>.retired-<keyId>} (with the service stopped: the next start registers the new key and marks
     * the retired one as no longer signing). Returns the new key's id.
     */
    public static String rotate(Path file) {
        try {
            LedgerSigner old = loadOrCreate(file);
            Path retired = file.resolveSibling(file.getFileName() + RETIRED + old.keyId());
            Files.copy(file, retired, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.delete(file);
            return loadOrCreate(file).keyId();
        } catch (IOException e) {
            throw new UncheckedIOException("could not rotate the ledger signing key " + file, e);
        }
    }

    /** Suffix of a rotated-away key file, before its key id. */
    public static final String RETIRED = ".retired-";

    /** The ids of the keys rotated away from {@code file}, with when (the retired file's time). */
    public static java.util.Map<String, java.time.Instant> retiredBeside(Path file) {
        var retired = new java.util.TreeMap<String, java.time.Instant>();
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + RETIRED;
        if (dir == null || !Files.isDirectory(dir)) {
            return retired;
        }
        try (var files = Files.list(dir)) {
            for (Path candidate : files.toList()) {
                String name = candidate.getFileName().toString();
                if (name.startsWith(prefix)) {
                    retired.put(name.substring(prefix.length()), Files.getLastModifiedTime(candidate).toInstant());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return retired;
    }

    public static LedgerSigner generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new LedgerSigner(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LedgerSigner fromPrivateKey(PrivateKey privateKey) throws GeneralSecurityException {
        // The JDK cannot derive an Ed25519 public key directly; generating from the same seed yields the same pair.
        byte[] seed = ((java.security.interfaces.EdECPrivateKey) privateKey).getBytes()
                .orElseThrow(() -> new GeneralSecurityException("the private key hides its seed"));
        var generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(new java.security.spec.NamedParameterSpec("Ed25519"), new FixedSeed(seed));
        KeyPair derived = generator.generateKeyPair();
        byte[] probe = "procledger".getBytes(StandardCharsets.US_ASCII);
        var signer = new LedgerSigner(privateKey, derived.getPublic());
        if (!verify(derived.getPublic(), probe, signer.sign(probe))) {
            throw new GeneralSecurityException("could not derive the public key of the signing key");
        }
        return signer;
    }

    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a checkpoint", e);
        }
    }

    public static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    public static String keyIdOf(PublicKey key) {
        return HexFormat.of().formatHex(com.procledger.infra.crypto.Sha256.of(key.getEncoded())).substring(0, 16);
    }

    public static PublicKey readPublicKey(String pem) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in PEM form", e);
        }
    }

    static PrivateKey readPrivateKey(String pem) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
    }

    private static byte[] der(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + label + " PEM block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** Hands the stored seed to the key generator, so the same private key yields its public key again. */
    private static final class FixedSeed extends java.security.SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
