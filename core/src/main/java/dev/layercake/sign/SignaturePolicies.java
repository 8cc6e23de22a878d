package dev.layercake.sign;

import dev.layercake.api.request.SignaturePolicy;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Names;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ObjectInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads, writes and combines the store's signature policies ({@link SignaturePolicy}). The effective policy of an
 * app: a signature is required when the store's or the app's policy requires one; the key is the app's, else the
 * store's. A policy is create-only unless replaced on purpose ({@code --replace}), so it is not loosened by
 * accident. A policy that cannot be read, or that is not exactly a version-1 policy (unknown, missing, null,
 * duplicate or mistyped fields, trailing bytes, a folder where the object should be), fails the command with
 * CORRUPT (fail closed): it never silently means "no policy" or "no signature required".
 *
 * <p>Generations: the first policy of a scope is {@code policy/store.json} ({@code policy/apps/<app>.json}); each
 * {@code --replace} creates the next generation, {@code policy/store/<n>.json} ({@code policy/apps/<app>/<n>.json},
 * n = 2, 3, ...), and the newest one is in force. Nothing is deleted or overwritten, so there is no moment without a
 * policy, on any backend (every store write is create-only and atomic), and older generations stay as history. The
 * newest generation must be valid: a broken one fails closed, it does not fall back to an older one.
 *
 * <p>What it protects against: a pipeline or a person forgetting {@code --require-signature}, or giving another
 * key: when the policy names a key, a {@code --public-key} that is not that key is refused. It lives in the store,
 * so whoever can write the store can change it; against that, give {@code --public-key} from a trusted place to a
 * store whose policy names no key (or the same key), and freeze the store's objects.
 */
public final class SignaturePolicies {

    public static final String PREFIX = "policy/";
    private static final int MAX_POLICY_BYTES = 64 * 1024;
    private static final int MAX_GENERATION = 999_999_999;
    private static final Pattern GENERATION = Pattern.compile("([1-9][0-9]{0,8})\\.json");
    private static final Set<String> FIELDS = Set.of("version", "requireSignature", "publicKey", "publicKeyDigest", "setAt");

    /** Policies are read strictly: a document that is not exactly what Layercake writes is refused, never guessed at. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private SignaturePolicies() {
    }

    /** The key of the store-wide policy's first generation ({@code app == null}) or of one app's. */
    public static String key(String app) {
        return app == null ? PREFIX + "store.json" : PREFIX + "apps/" + Names.checkSegment("app", app) + ".json";
    }

    /** The key of generation {@code n} (1: {@link #key(String)}; n >= 2: {@code policy/store/<n>.json}). */
    static String key(String app, int generation) {
        if (generation <= 1) {
            return key(app);
        }
        return generationsPrefix(app) + generation + ".json";
    }

    private static String generationsPrefix(String app) {
        String first = key(app);
        return first.substring(0, first.length() - ".json".length()) + "/";
    }

    /** A policy as stored: the key of the generation in force and what it says. */
    public record Stored(String key, int generation, SignaturePolicy policy) {
    }

    /** The policy in force for {@code app} (null: the whole store), if any. */
    public static Optional<SignaturePolicy> read(ReleaseStore store, String app) {
        return readStored(store, app).map(Stored::policy);
    }

    /** The policy in force for {@code app} (null: the whole store) and the key it is stored under, if any. */
    public static Optional<Stored> readStored(ReleaseStore store, String app) {
        int generation = newestGeneration(store, app, true);
        if (generation == 0) {
            return Optional.empty();
        }
        String key = key(app, generation);
        byte[] bytes = readBytes(store, key);
        SignaturePolicy p = parse(bytes, key);
        if (p.publicKey() != null) {
            publicKey(p, key); // a broken key fails now, naming the policy
        }
        return Optional.of(new Stored(key, generation, p));
    }

    /**
     * The newest generation of the scope's policy, 0 when none is set. {@code strict} (readers): anything under the
     * scope's keys that Layercake did not write there (a folder in place of the first policy, an object with another
     * name among the generations) is CORRUPT; writers only need the highest number.
     */
    private static int newestGeneration(ReleaseStore store, String app, boolean strict) {
        String first = key(app);
        String prefix = generationsPrefix(app);
        int newest = 0;
        Optional<List<ObjectInfo>> listed = list(store, prefix);
        if (listed.isEmpty()) {
            // A store that cannot list (an OCI registry with more tags than one page): generations are written one
            // after the other, so the newest is the last of an unbroken run.
            while (newest < MAX_GENERATION && store.objects().stat(key(app, Math.max(newest, 1) + 1)).isPresent()) {
                newest = Math.max(newest, 1) + 1;
            }
        }
        for (ObjectInfo o : listed.orElse(List.of())) {
            String name = o.key().substring(prefix.length());
            Matcher m = GENERATION.matcher(name);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 2) {
                if (strict) {
                    throw LayercakeException.corrupt("the store holds " + o.key() + " among the generations of the signature"
                            + " policy " + first + ", which is not a policy Layercake wrote: remove it from the store");
                }
                continue;
            }
            newest = Math.max(newest, Integer.parseInt(m.group(1)));
        }
        if (newest >= 2) {
            return newest; // the newest generation is in force, whatever became of the first
        }
        if (store.objects().stat(first).isPresent()) {
            return 1;
        }
        if (strict && looksLikeAFolder(store, first)) {
            throw LayercakeException.corrupt("the signature policy " + first + " is a folder, not a policy: set the policy"
                    + " again with layercake policy" + (app == null ? "" : " --app " + app) + " --replace (a new generation"
                    + " takes its place)");
        }
        return 0;
    }

    /** Something stored under {@code key + "/"}, or a folder store's directory at {@code key}: not an object. */
    private static boolean looksLikeAFolder(ReleaseStore store, String key) {
        if (store.objects() instanceof FileSystemObjectStore fs && Files.isDirectory(fs.path(key), LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        return !list(store, key + "/").orElse(List.of()).isEmpty();
    }

    /** Every object under {@code prefix}, or empty when the store cannot list it (UNSUPPORTED). */
    private static Optional<List<ObjectInfo>> list(ReleaseStore store, String prefix) {
        try {
            return Optional.of(store.objects().list(prefix));
        } catch (LayercakeException e) {
            if (e.kind() == LayercakeException.Kind.UNSUPPORTED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static byte[] readBytes(ReleaseStore store, String key) {
        byte[] bytes;
        try (InputStream in = store.objects().open(key)) {
            bytes = in.readNBytes(MAX_POLICY_BYTES + 1);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read the signature policy " + key + ": "
                    + e.getMessage(), e);
        }
        if (bytes.length > MAX_POLICY_BYTES) {
            throw LayercakeException.corrupt("the signature policy " + key + " is larger than " + MAX_POLICY_BYTES
                    + " bytes; it is not a policy Layercake wrote (set it again with layercake policy --replace)");
        }
        return bytes;
    }

    /**
     * A policy document, strictly: one JSON object, no duplicate keys, nothing after it, only the known fields,
     * {@code version} exactly the integer 1, {@code requireSignature} present and a JSON boolean, {@code setAt} a
     * string, {@code publicKey} and {@code publicKeyDigest} strings when present (the key with its digest), as
     * {@code schema/signature-policy-v1.schema.json} says. Anything else is CORRUPT.
     */
    static SignaturePolicy parse(byte[] bytes, String key) {
        String fix = "; set it again with layercake policy --replace";
        JsonNode doc;
        try {
            doc = STRICT.readTree(bytes);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw LayercakeException.corrupt("the signature policy " + key + " is not a valid policy document: " + why + fix);
        }
        if (doc == null || !doc.isObject()) {
            throw LayercakeException.corrupt("the signature policy " + key + " is not a JSON object ("
                    + (doc == null || doc.isMissingNode() ? "empty" : doc.getNodeType().toString().toLowerCase(java.util.Locale.ROOT))
                    + ")" + fix);
        }
        for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw LayercakeException.corrupt("the signature policy " + key + " has the unknown field '" + printable(name)
                        + "' (known: version, requireSignature, publicKey, publicKeyDigest, setAt)" + fix);
            }
        }
        JsonNode version = doc.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != SignaturePolicy.VERSION) {
            throw LayercakeException.corrupt("the signature policy " + key + " is not a version " + SignaturePolicy.VERSION
                    + " policy (version: " + (version == null ? "missing" : printable(version.toString()))
                    + "); this Layercake reads version " + SignaturePolicy.VERSION + " only" + fix);
        }
        JsonNode require = doc.get("requireSignature");
        if (require == null || !require.isBoolean()) {
            throw LayercakeException.corrupt("the signature policy " + key + " does not say whether a signature is required"
                    + " (requireSignature: " + (require == null ? "missing" : printable(require.toString()))
                    + ", expected true or false)" + fix);
        }
        String publicKey = text(doc, "publicKey", key, fix);
        String publicKeyDigest = text(doc, "publicKeyDigest", key, fix);
        String setAt = text(doc, "setAt", key, fix);
        if (setAt == null) {
            throw LayercakeException.corrupt("the signature policy " + key + " has no setAt; it is not a policy Layercake wrote" + fix);
        }
        if (publicKey != null && publicKeyDigest == null) {
            throw LayercakeException.corrupt("the signature policy " + key + " has a publicKey without its publicKeyDigest" + fix);
        }
        return new SignaturePolicy(version.intValue(), require.booleanValue(), publicKey, publicKeyDigest, setAt);
    }

    /** Text from the store made safe for one line of a message: control characters escaped, bounded. */
    private static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (sb.length() >= 80) {
                return sb + "...";
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String text(JsonNode doc, String field, String key, String fix) {
        JsonNode v = doc.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw LayercakeException.corrupt("the signature policy " + key + ": " + field + " must be a string, not "
                    + printable(v.toString()) + fix);
        }
        return v.textValue();
    }

    /**
     * What applies to {@code app}: see the class comment. {@code requiredBy}: the policy key(s) that require it;
     * {@code keyFrom}: the policy key the public key comes from; {@code publicKeyDigest}: that key's digest.
     */
    public record Effective(boolean requireSignature, PublicKey publicKey, String requiredBy, String keyFrom) {
        public static final Effective NONE = new Effective(false, null, null, null);
    }

    public static Effective effective(ReleaseStore store, String app) {
        Optional<Stored> storeWide = readStored(store, null);
        Optional<Stored> ofApp = readStored(store, app);
        StringBuilder requiredBy = new StringBuilder();
        if (storeWide.isPresent() && storeWide.get().policy().requireSignature()) {
            requiredBy.append(storeWide.get().key());
        }
        if (ofApp.isPresent() && ofApp.get().policy().requireSignature()) {
            requiredBy.append(requiredBy.isEmpty() ? "" : " and ").append(ofApp.get().key());
        }
        PublicKey publicKey = null;
        String keyFrom = null;
        if (ofApp.isPresent() && ofApp.get().policy().publicKey() != null) {
            publicKey = publicKey(ofApp.get().policy(), ofApp.get().key());
            keyFrom = ofApp.get().key();
        } else if (storeWide.isPresent() && storeWide.get().policy().publicKey() != null) {
            publicKey = publicKey(storeWide.get().policy(), storeWide.get().key());
            keyFrom = storeWide.get().key();
        }
        return new Effective(!requiredBy.isEmpty(), publicKey, requiredBy.isEmpty() ? null : requiredBy.toString(), keyFrom);
    }

    /** A policy requiring (or not) a signature, with the public key read from a PEM file (or none). */
    public static SignaturePolicy of(boolean requireSignature, Path publicKeyPem, Clock clock) {
        if (publicKeyPem == null) {
            return new SignaturePolicy(SignaturePolicy.VERSION, requireSignature, null, null, clock.instant().toString());
        }
        byte[] der = PemKeys.readPublic(publicKeyPem).getEncoded();
        return new SignaturePolicy(SignaturePolicy.VERSION, requireSignature, Base64.getEncoder().encodeToString(der),
                Digest.of(der).toString(), clock.instant().toString());
    }

    /**
     * Stores {@code policy} for {@code app} (null: the whole store); returns the key written. Without {@code replace}
     * an existing policy is a conflict and stays as it is. With it, the policy is written as the next generation:
     * the one in force stays in force until the new one is complete, and stays if the write fails.
     */
    public static String write(ReleaseStore store, String app, SignaturePolicy policy, boolean replace) {
        byte[] doc = Json.write(policy);
        int newest = newestGeneration(store, app, false);
        if (newest == 0) {
            String key = StoreKeys.check(key(app));
            if (create(store, key, doc)) {
                return key;
            }
            newest = 1; // set meanwhile (or something is in the way): only --replace goes on, as a new generation
        }
        if (!replace) {
            throw LayercakeException.conflict("a signature policy is already set (" + key(app, newest)
                    + "); give --replace to change it");
        }
        if (newest >= MAX_GENERATION) {
            throw LayercakeException.conflict("the signature policy " + key(app) + " has been replaced " + MAX_GENERATION
                    + " times; no further generation can be written");
        }
        String next = StoreKeys.check(key(app, newest + 1));
        if (!create(store, next, doc)) {
            throw LayercakeException.conflict("the signature policy " + next + " was written by someone else meanwhile; run again");
        }
        return next;
    }

    private static boolean create(ReleaseStore store, String key, byte[] doc) {
        return store.objects().create(key, new ByteArrayInputStream(doc), doc.length, () -> { });
    }

    private static PublicKey publicKey(SignaturePolicy p, String key) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p.publicKey());
        } catch (IllegalArgumentException e) {
            throw LayercakeException.corrupt("the signature policy " + key + " holds a public key that is not base64;"
                    + " set it again with layercake policy --replace");
        }
        if (p.publicKeyDigest() != null && !Digest.of(der).toString().equals(p.publicKeyDigest())) {
            throw LayercakeException.corrupt("the signature policy " + key + ": its public key does not match the digest it"
                    + " records; set it again with layercake policy --replace");
        }
        try {
            return PemKeys.decodePublic("the public key of the signature policy " + key, der);
        } catch (LayercakeException e) {
            throw LayercakeException.corrupt(e.getMessage());
        }
    }
}
