package dev.pitstop.http;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The development certificate of {@code pitstop up --tls self-signed}: a certificate authority of
 * the home's own ({@code ca.pem}, whose key is thrown away once it has signed) and a server
 * certificate for {@code localhost} and {@code 127.0.0.1} signed by it ({@code cert.pem},
 * {@code key.pem}). Clients trust {@code ca.pem}: the CLI does by default, curl with
 * {@code --cacert}. Not for production: use a certificate of your own CA there.
 */
public final class DevCertificate {

    private static final Duration VALIDITY = Duration.ofDays(365);

    private DevCertificate() {
    }

    /** The files in {@code dir}. */
    public record Bundle(Path ca, Path certificate, Path key) {
        public TlsSettings settings(TlsSettings.PlainHttp plainHttp) {
            return new TlsSettings(certificate, key, plainHttp);
        }
    }

    public static Bundle in(Path dir) {
        return new Bundle(dir.resolve("ca.pem"), dir.resolve("cert.pem"), dir.resolve("key.pem"));
    }

    /** Makes the files in {@code dir} unless they exist; returns them. */
    public static Bundle ensure(Path dir) {
        Bundle files = in(dir);
        if (Files.exists(files.certificate()) && Files.exists(files.key()) && Files.exists(files.ca())) {
            return files;
        }
        try {
            Files.createDirectories(dir);
            KeyPair caKeys = keyPair();
            KeyPair serverKeys = keyPair();
            Instant now = Instant.now();
            X500Name caName = new X500Name("CN=Pitstop development CA " + now.getEpochSecond());
            X509CertificateHolder ca = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(VALIDITY)), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
            X509CertificateHolder server = new JcaX509v3CertificateBuilder(caName, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(VALIDITY)), new X500Name("CN=localhost"),
                    serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
            write(files.key(), new JcaPKCS8Generator(serverKeys.getPrivate(), null), "rw-------");
            write(files.certificate(), server, "rw-r--r--");
            write(files.ca(), ca, "rw-r--r--");
            return files;
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new TlsException("cannot make the development certificate in " + dir + ": " + e.getMessage());
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom());
    }

    private static void write(Path file, Object pem, String permissions) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        try (Writer out = Files.newBufferedWriter(file, StandardOpenOption.TRUNCATE_EXISTING);
             JcaPEMWriter pemWriter = new JcaPEMWriter(out)) {
            pemWriter.writeObject(pem);
        }
    }
}
