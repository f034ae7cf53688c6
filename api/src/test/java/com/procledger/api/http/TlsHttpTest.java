package com.procledger.api.http;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS as the service runs by default: its own application, without the plain-HTTP switch the other tests use. */
@org.junit.jupiter.api.Tag("own-application")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "procledger.passwords.bcrypt-cost=4",
        "procledger.passwords.allow-cost-below12-for-tests=true",
        "procledger.bootstrap-password=tls-test-password-1"})
class TlsHttpTest {

    static Path dataDir;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        Files.createDirectories(Path.of("target"));
        dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "test-data-tls-");
        registry.add("procledger.data-dir", dataDir::toString);
    }

    SSLContext trusting(Path certificate) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("procledger", cert);
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void httpsWithTheCertificateGeneratedOnFirstStartAndTls12OrNewer() throws Exception {
        Path certificate = dataDir.resolve("tls/server.crt");
        Path key = dataDir.resolve("tls/server.key");
        assertThat(certificate).exists();
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        SSLContext context = trusting(certificate);

        var client = HttpClient.newBuilder().sslContext(context).build();
        var response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isPresent();

        for (String protocol : new String[]{"TLSv1.2", "TLSv1.3"}) {
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(new String[]{protocol});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }

        // TLS 1.2 offers only ECDHE with AEAD ciphers: a client that knows nothing better is refused
        for (String weak : new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}) {
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(new String[]{"TLSv1.2"});
                parameters.setCipherSuites(new String[]{weak});
                socket.setSSLParameters(parameters);
                assertThatThrownBy(socket::startHandshake).as(weak).isInstanceOf(javax.net.ssl.SSLException.class);
            }
        }
        for (String strong : new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}) {
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(new String[]{"TLSv1.2"});
                parameters.setCipherSuites(new String[]{strong});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertThat(socket.getSession().getCipherSuite()).isEqualTo(strong);
            }
        }

        // a client that does not know the certificate is refused, and plain HTTP gets no answer from the API
        var untrusting = HttpClient.newHttpClient();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        int plainStatus;
        try {
            plainStatus = untrusting.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (java.io.IOException e) {
            plainStatus = -1;
        }
        assertThat(plainStatus).isNotEqualTo(200);
    }
}
