package com.procledger.api.http;

import com.procledger.api.ProcLedgerProperties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * HTTPS by default, TLS 1.3 and 1.2 only. The certificate is the one configured, or a self-signed one (EC P-256,
 * for localhost and 127.0.0.1, valid two years) generated on the first start into {@code <data dir>/tls/}, where
 * clients find it to trust it ({@code curl --cacert data/tls/server.crt}). Plain HTTP only when
 * {@code PROCLEDGER_PLAIN_HTTP=true} says so, for local use.
 */
@Configuration(proxyBeanMethods = false)
public class TlsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);
    static final String BUNDLE = "procledger";
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * TLS 1.3's suites as they are, and for TLS 1.2 only forward-secret key exchange (ECDHE) with an AEAD cipher:
     * no CBC, no static RSA, no finite-field DHE (Mozilla's "intermediate" list). ECDSA and RSA both, so that a
     * configured RSA certificate serves too.
     */
    static final String[] CIPHERS = {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    @Bean
    WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> tls(ProcLedgerProperties properties) {
        return factory -> {
            var tls = properties.http().tls();
            if (tls.plain()) {
                log.warn("Serving plain HTTP (procledger.http.tls.plain=true): for local use only");
                return;
            }
            Path certificate;
            Path privateKey;
            if (!tls.certificate().isBlank()) {
                certificate = Path.of(tls.certificate());
                privateKey = Path.of(tls.privateKey());
            } else {
                Path dir = properties.dataDir().toAbsolutePath().normalize().resolve("tls");
                certificate = dir.resolve("server.crt");
                privateKey = dir.resolve("server.key");
                if (!Files.exists(certificate) || !Files.exists(privateKey)) {
                    generateSelfSigned(certificate, privateKey);
                    log.info("Generated a self-signed TLS certificate for localhost: {} (clients: curl --cacert {})",
                            certificate, certificate);
                }
            }
            var details = PemSslStoreDetails.forCertificate(certificate.toUri().toString())
                    .withPrivateKey(privateKey.toUri().toString());
            var bundle = SslBundle.of(new PemSslStoreBundle(details, null), null, SslOptions.of(CIPHERS, PROTOCOLS));
            factory.setSslBundles(new DefaultSslBundleRegistry(BUNDLE, bundle));
            factory.setSsl(Ssl.forBundle(BUNDLE));
        };
    }

    static void generateSelfSigned(Path certificate, Path privateKey) {
        try {
            Files.createDirectories(certificate.getParent());
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            var keys = generator.generateKeyPair();
            var name = new X500Name("CN=localhost, O=ProcLedger (self-signed)");
            Instant now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(730))), name,
                    keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            writePem(privateKey, "PRIVATE KEY", keys.getPrivate().getEncoded(), true);
            writePem(certificate, "CERTIFICATE", cert.getEncoded(), false);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("could not generate a TLS certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the TLS certificate to " + certificate.getParent(), e);
        }
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
        Files.writeString(file, pem);
        if (secret) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: rely on the directory's permissions
            }
        }
    }
}
