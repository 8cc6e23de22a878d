package dev.layercake.sign;

import dev.layercake.LayercakeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM key files: PKCS#8 private keys ({@code BEGIN PRIVATE KEY}) and X.509 public keys
 * ({@code BEGIN PUBLIC KEY}), ECDSA P-256 or Ed25519. Messages name the file and the fix, never key bytes.
 *
 * <pre>
 * openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing.pem   # or: -algorithm ed25519
 * openssl pkey -in signing.pem -pubout -out signing.pub.pem
 * </pre>
 */
public final class PemKeys {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private PemKeys() {
    }

    public static PrivateKey readPrivate(Path file) {
        Block block = read(file, "private");
        if (block.type.equals("EC PRIVATE KEY")) {
            throw LayercakeException.usage("signing key " + file + " is in the old SEC1 format (BEGIN EC PRIVATE KEY); convert it"
                    + " to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out signing.pem");
        }
        if (block.type.equals("ENCRYPTED PRIVATE KEY")) {
            throw LayercakeException.usage("signing key " + file + " is encrypted; give an unencrypted PKCS#8 key"
                    + " (keep it in the CI system's secret store): openssl pkcs8 -topk8 -nocrypt -in " + file);
        }
        if (!block.type.equals("PRIVATE KEY")) {
            throw LayercakeException.usage(file + " holds a " + block.type + ", not a private key (BEGIN PRIVATE KEY)");
        }
        return (PrivateKey) decode(file, block.der, PKCS8EncodedKeySpec::new, true);
    }

    public static PublicKey readPublic(Path file) {
        Block block = read(file, "public");
        if (!block.type.equals("PUBLIC KEY")) {
            throw LayercakeException.usage(file + " holds a " + block.type + ", not a public key (BEGIN PUBLIC KEY);"
                    + " derive one with: openssl pkey -in PRIVATE.pem -pubout");
        }
        return (PublicKey) decode(file, block.der, X509EncodedKeySpec::new, false);
    }

    /** A public key from its X.509 (SubjectPublicKeyInfo) bytes, e.g. as a store policy records it; {@code what} names it in errors. */
    public static PublicKey decodePublic(String what, byte[] der) {
        return (PublicKey) decode(what, der, X509EncodedKeySpec::new, false);
    }

    private record Block(String type, byte[] der) {
    }

    private static Block read(Path file, String which) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw LayercakeException.notFound(which + " key file " + file + " does not exist");
        } catch (IOException e) {
            throw LayercakeException.usage("cannot read the " + which + " key file " + file + ": " + e.getMessage());
        }
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw LayercakeException.usage(file + " is not a PEM file (no -----BEGIN ...----- block)");
        }
        try {
            return new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).trim()));
        } catch (IllegalArgumentException e) {
            throw LayercakeException.usage(file + ": the PEM block is not valid base64");
        }
    }

    private static Key decode(Object file, byte[] der, Function<byte[], KeySpec> spec, boolean isPrivate) {
        for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
            try {
                KeyFactory f = KeyFactory.getInstance(a.keyAlgorithm());
                Key key = isPrivate ? f.generatePrivate(spec.apply(der)) : f.generatePublic(spec.apply(der));
                if (key instanceof ECKey ec && !isP256(ec.getParams())) {
                    throw LayercakeException.usage(file + " is an EC key on another curve; Layercake signs with P-256 (prime256v1)"
                            + " or Ed25519");
                }
                return key;
            } catch (GeneralSecurityException | ClassCastException e) {
                // not this algorithm; try the next
            }
        }
        throw LayercakeException.usage(file + " is not an ECDSA P-256 or Ed25519 key (RSA and other keys are not accepted)");
    }

    private static boolean isP256(ECParameterSpec params) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec p256 = p.getParameterSpec(ECParameterSpec.class);
            return p256.getOrder().equals(params.getOrder()) && p256.getCurve().equals(params.getCurve());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
