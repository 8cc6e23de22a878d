package dev.layercake.store;

import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

import java.util.concurrent.CompletableFuture;

/**
 * SigV4 as the SDK signs, except for a request that carries the SHA-256 of its whole body in the signed
 * {@code x-amz-checksum-sha256} header (a blob's PUT: its digest is known before the first byte is read). Such a
 * request is signed with {@code UNSIGNED-PAYLOAD} and its body sent as it is, also over plain http, where the SDK
 * would otherwise hash the body once more for the signature and wrap it in signed aws-chunked encoding.
 *
 * <p>What stays checked: the signature covers the checksum header, so the body is bound to the signature through the
 * server's own check of that header (S3 refuses a body whose SHA-256 differs: {@code BadDigest}); the store checks
 * the digest of what it read before the last bytes leave (see {@link S3ObjectStore}). A server that ignores
 * {@code x-amz-checksum-sha256} is left with TCP's checksum for what travels on the wire. Every other request is
 * signed by the SDK's own signer, unchanged.
 */
final class ChecksummedPayloadSigner implements AwsV4HttpSigner {

    static final String CHECKSUM_HEADER = "x-amz-checksum-sha256";

    private final AwsV4HttpSigner sdk = AwsV4HttpSigner.create();

    /** The SDK's SigV4 scheme with this signer, for {@code S3ClientBuilder.putAuthScheme}. */
    static AwsV4AuthScheme scheme() {
        ChecksummedPayloadSigner signer = new ChecksummedPayloadSigner();
        return new AwsV4AuthScheme() {
            @Override
            public String schemeId() {
                return AwsV4AuthScheme.SCHEME_ID;
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return providers.identityProvider(AwsCredentialsIdentity.class);
            }

            @Override
            public AwsV4HttpSigner signer() {
                return signer;
            }
        };
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        if (request.payload().isEmpty() || request.request().firstMatchingHeader(CHECKSUM_HEADER).isEmpty()) {
            return sdk.sign(request);
        }
        // Signed without the body (so: UNSIGNED-PAYLOAD, no aws-chunked), then sent with it.
        SignedRequest headers = sdk.sign(request.toBuilder()
                .payload(null)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                .build());
        return headers.toBuilder().payload(request.payload().get()).build();
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return sdk.signAsync(request);
    }
}
