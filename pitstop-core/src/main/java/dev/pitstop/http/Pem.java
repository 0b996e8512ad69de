package dev.pitstop.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM files as Java's key and trust stores, read with BouncyCastle. */
public final class Pem {

    /** The in-memory key store's password: it never leaves this process. */
    static final char[] STORE_PASSWORD = "pitstop".toCharArray();

    private Pem() {
    }

    /** A key store holding the key and its certificate chain, under the alias "server". */
    static KeyStore keyStore(Path certificate, Path key) {
        List<X509Certificate> chain = certificates(certificate);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey(key), STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("the key in " + key + " does not go with the certificate in " + certificate
                    + ", or cannot be used: " + e.getMessage());
        }
    }

    /** A trust store holding every certificate of {@code file}: a CA, or a server's own certificate. */
    public static KeyStore trustStore(Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate certificate : certificates(file)) {
                store.setCertificateEntry("trusted-" + i++, certificate);
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("cannot use the certificates in " + file + ": " + e.getMessage());
        }
    }

    /** A client's TLS context that trusts the certificates in {@code file} and no other. */
    public static javax.net.ssl.SSLContext trusting(Path file) {
        try {
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore(file));
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot trust the certificates in " + file + ": " + e.getMessage());
        }
    }

    static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new TlsException("cannot read the PEM certificates in " + file + ": " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new TlsException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    private static PrivateKey privateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    // A traditional key (BEGIN EC/RSA PRIVATE KEY) may come without its public half.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException e) {
            throw new TlsException("cannot read the PEM private key in " + file + ": " + e.getMessage());
        }
        throw new TlsException(file + " holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----);"
                + " decrypt it first, e.g. openssl pkey -in KEY -out " + file);
    }
}
