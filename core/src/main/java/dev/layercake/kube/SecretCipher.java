package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.model.Json;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Client-side encryption of Secret values with AES-256-GCM. The stored Secret keeps its metadata in the
 * clear; {@code data}, {@code stringData} and kubectl's last-applied-configuration annotation (which repeats
 * the values) are replaced by one envelope under {@link #FIELD}: the key id,
 * a random 96-bit nonce, the ciphertext (with its tag) and a keyed fingerprint that lets two releases be
 * compared without decrypting. The object's identity is authenticated data, so an envelope cannot be moved
 * to another Secret. The key itself is never stored or printed; its id is a hash of it.
 */
public final class SecretCipher {

    public static final String FIELD = "layercake.dev/encrypted";
    public static final String ALGORITHM = "AES-256-GCM";
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final byte[] key;
    private final String keyId;

    private SecretCipher(byte[] key) {
        if (key.length != 32) {
            throw LayercakeException.usage("the encryption key must be 32 bytes (AES-256), raw or base64; it is "
                    + key.length + " bytes");
        }
        this.key = key.clone();
        this.keyId = keyIdOf(key);
    }

    public static SecretCipher ofKey(byte[] key) {
        return new SecretCipher(key);
    }

    /**
     * The key from a file (raw 32 bytes or base64 text) when given, else from the environment variable;
     * null when neither holds one.
     */
    public static SecretCipher load(String keyFile, String keyEnv, Access access) {
        if (keyFile != null && !keyFile.isBlank()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(Path.of(keyFile));
            } catch (IOException e) {
                throw LayercakeException.usage("encryption key file " + keyFile + " cannot be read: " + e.getClass().getSimpleName());
            }
            if (bytes.length == 32) {
                return new SecretCipher(bytes);
            }
            return new SecretCipher(decodeBase64(new String(bytes, StandardCharsets.US_ASCII).trim(), "key file " + keyFile));
        }
        String value = keyEnv == null ? null : access.secret(keyEnv).orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        return new SecretCipher(decodeBase64(value.trim(), "environment variable " + keyEnv));
    }

    private static byte[] decodeBase64(String text, String where) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw LayercakeException.usage("the encryption key in " + where + " is neither 32 raw bytes nor base64");
        }
    }

    public String keyId() {
        return keyId;
    }

    static String keyIdOf(byte[] key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("layercake key id\0".getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(md.digest(key)).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isEncrypted(JsonNode secret) {
        return secret.has(FIELD);
    }

    /** The stored key id of an encrypted Secret. */
    public static String keyIdOf(JsonNode secret) {
        return secret.path(FIELD).path("keyId").asText(null);
    }

    /** Replaces data/stringData with the envelope; the input is not changed. */
    public ObjectNode encrypt(ObjectNode secret) {
        ObjectNode out = secret.deepCopy();
        ObjectNode plain = Json.mapper().createObjectNode();
        for (String f : new String[]{"data", "stringData"}) {
            if (out.has(f)) {
                plain.set(f, out.remove(f));
            }
        }
        // kubectl apply keeps the whole Secret, values included, in this annotation: it is sealed too
        JsonNode annotations = out.path("metadata").path("annotations");
        if (annotations.has(LAST_APPLIED)) {
            plain.set(LAST_APPLIED, ((ObjectNode) annotations).remove(LAST_APPLIED));
        }
        byte[] plaintext = Json.write(plain);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(secret));
            byte[] ct = cipher.doFinal(plaintext);
            ObjectNode env = out.putObject(FIELD);
            env.put("algorithm", ALGORITHM);
            env.put("keyId", keyId);
            env.put("nonce", Base64.getEncoder().encodeToString(nonce));
            env.put("ciphertext", Base64.getEncoder().encodeToString(ct));
            env.put("fingerprint", fingerprint(plain));
            Arrays.fill(plaintext, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Restores data/stringData from the envelope; a wrong key or changed blob is a clear error. */
    public ObjectNode decrypt(ObjectNode stored) {
        JsonNode env = stored.path(FIELD);
        String id = ObjectId.of(stored).toString();
        if (!keyId.equals(env.path("keyId").asText())) {
            throw new LayercakeException(LayercakeException.Kind.AUTH, "Secret " + id + " was encrypted with key "
                    + env.path("keyId").asText() + " but the key given is " + keyId + "; give the key used at backup time");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(128, Base64.getDecoder().decode(env.path("nonce").asText())));
            ObjectNode out = stored.deepCopy();
            out.remove(FIELD);
            cipher.updateAAD(aad(out));
            byte[] plain = cipher.doFinal(Base64.getDecoder().decode(env.path("ciphertext").asText()));
            ObjectNode fields = (ObjectNode) Json.mapper().readTree(plain);
            JsonNode lastApplied = fields.remove(LAST_APPLIED);
            if (lastApplied != null) {
                Trees.metadata(out).withObjectProperty("annotations").set(LAST_APPLIED, lastApplied);
            }
            fields.fields().forEachRemaining(e -> out.set(e.getKey(), e.getValue()));
            return out;
        } catch (javax.crypto.AEADBadTagException e) {
            throw LayercakeException.corrupt("Secret " + id + " does not decrypt: its stored envelope was changed");
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw LayercakeException.corrupt("Secret " + id + " cannot be decrypted: " + e.getClass().getSimpleName());
        }
    }

    /** A keyed hash of the Secret's values: equal values give equal fingerprints under one key. */
    public String fingerprint(JsonNode secretOrPlain) {
        ObjectNode plain = Json.mapper().createObjectNode();
        for (String f : new String[]{"data", "stringData"}) {
            if (secretOrPlain.has(f)) {
                plain.set(f, secretOrPlain.get(f));
            }
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(Json.write(plain)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] aad(JsonNode secret) {
        ObjectId id = ObjectId.of(secret);
        return ("layercake secret\0" + id.namespace() + "\0" + id.name()).getBytes(StandardCharsets.UTF_8);
    }
}
