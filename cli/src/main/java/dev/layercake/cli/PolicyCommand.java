package dev.layercake.cli;

import dev.layercake.LayercakeException;
import dev.layercake.sign.SignaturePolicies;
import dev.layercake.api.request.SignaturePolicy;
import dev.layercake.store.ReleaseStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code layercake policy}: show or set the store's (or an app's) signature policy. */
@Command(name = "policy", description = {
        "Show or set the signature policy of a store (or, with --app, of one app), kept in the store.",
        "With --require-signature, every verify and restore of the store (or app) fails an unsigned manifest, or one whose"
                + " signature does not check, even without the flag; --public-key stores the key they check with when they are"
                + " given none (a different --public-key is then refused). A policy is create-only: --replace writes the next generation,"
                + " which is in force from then on (--replace alone sets a policy that requires nothing).",
        "Without --require-signature, --public-key or --replace it prints the policy in force."})
final class PolicyCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--app", description = "The app's policy (default: the whole store's).")
    String app;

    @Option(names = "--require-signature", description = "Require a valid manifest signature for every verify and restore.")
    boolean requireSignature;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Public key verify and restore check with when given none.")
    String publicKey;

    @Option(names = "--replace", description = "Replace the policy already set.")
    boolean replace;

    @Override
    public Integer call() {
        if (publicKey != null && !requireSignature) {
            throw LayercakeException.usage("--public-key needs --require-signature: a policy stores the key it requires"
                    + " signatures to check with");
        }
        try (ReleaseStore releases = ReleaseStore.open(store.location(), System.getenv())) {
            boolean set = requireSignature || replace;
            if (set) {
                SignaturePolicy policy = SignaturePolicies.of(requireSignature, publicKey == null ? null : Path.of(publicKey),
                        Clock.systemUTC());
                SignaturePolicies.write(releases, app, policy, replace);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("scope", app == null ? "store" : "app " + app);
            // The generation in force (policy/store.json, then policy/store/<n>.json after each --replace).
            SignaturePolicies.Stored stored = SignaturePolicies.readStored(releases, app).orElse(null);
            SignaturePolicy own = stored == null ? null : stored.policy();
            doc.put("key", stored == null ? SignaturePolicies.key(app) : stored.key());
            doc.put("changed", set);
            doc.put("policy", own == null ? null : Map.of("requireSignature", own.requireSignature(),
                    "publicKeyDigest", own.publicKeyDigest() == null ? "" : own.publicKeyDigest(), "setAt", own.setAt()));
            SignaturePolicies.Effective effective = SignaturePolicies.effective(releases, app);
            doc.put("requireSignature", effective.requireSignature());
            doc.put("requiredBy", effective.requiredBy());
            doc.put("publicKeyFrom", effective.keyFrom());
            if (common.json) {
                printJson(doc);
                return 0;
            }
            String scope = app == null ? "store " + store.location().uri() : "app " + app;
            if (set) {
                out().printf("signature policy of %s %s (%s)%n", scope, own != null && own.requireSignature()
                        ? "set: a valid manifest signature is REQUIRED for verify and restore" : "set: no signature required", doc.get("key"));
            }
            out().printf("in force for %s: %s%n", scope, effective.requireSignature()
                    ? "signature REQUIRED (by " + effective.requiredBy() + ")" : "no signature required (verify says \"not signature-checked\")");
            if (effective.keyFrom() != null) {
                out().printf("  public key stored in %s%s%n", effective.keyFrom(),
                        own != null && own.publicKeyDigest() != null ? " (" + own.publicKeyDigest() + ")" : "");
            }
            out().flush();
            return 0;
        }
    }
}
