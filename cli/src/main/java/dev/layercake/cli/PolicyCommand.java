package dev.layercake.cli;

import dev.layercake.api.request.PolicyRequest;
import dev.layercake.api.result.PolicyState;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.SignaturePolicy;
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
        {
            PolicyState state = layercake().policy(new PolicyRequest(store.location(), app, requireSignature,
                    publicKey == null ? null : Path.of(publicKey), replace));
            SignaturePolicy own = state.own();
            boolean set = state.changed();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("scope", state.scope());
            doc.put("key", state.key());
            doc.put("changed", set);
            doc.put("policy", own == null ? null : Map.of("requireSignature", own.requireSignature(),
                    "publicKeyDigest", own.publicKeyDigest() == null ? "" : own.publicKeyDigest(), "setAt", own.setAt()));
            doc.put("requireSignature", state.requireSignature());
            doc.put("requiredBy", state.requiredBy());
            doc.put("publicKeyFrom", state.publicKeyFrom());
            if (common.json) {
                printJson(doc);
                return 0;
            }
            String scope = app == null ? "store " + store.location().uri() : "app " + app;
            if (set) {
                out().printf("signature policy of %s %s (%s)%n", scope, own != null && own.requireSignature()
                        ? "set: a valid manifest signature is REQUIRED for verify and restore" : "set: no signature required", doc.get("key"));
            }
            out().printf("in force for %s: %s%n", scope, state.requireSignature()
                    ? "signature REQUIRED (by " + state.requiredBy() + ")" : "no signature required (verify says \"not signature-checked\")");
            if (state.publicKeyFrom() != null) {
                out().printf("  public key stored in %s%s%n", state.publicKeyFrom(),
                        own != null && own.publicKeyDigest() != null ? " (" + own.publicKeyDigest() + ")" : "");
            }
            out().flush();
            return 0;
        }
    }
}
