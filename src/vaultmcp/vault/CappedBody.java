package vaultmcp.vault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Collects a response body up to a cap and a deadline; past the cap, stops the download and fails with
 * {@link TooLarge}, past the deadline with a {@link TimeoutException}.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        TooLarge(int status) {
            super("answer too large", null);
            this.status = status;
        }
    }

    private final int status;
    private final int cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /** {@code deadline}: a {@link System#nanoTime()} by which the whole body must have come. */
    CappedBody(int status, int cap, long deadline) {
        this.status = status;
        this.cap = cap;
        result.orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        result.whenComplete((bytes, failure) -> {
            if (failure != null) {
                subscription.cancel(); // stops the download and drops the connection
            }
        });
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            if (result.isDone()) {
                return;
            }
            if (bytes.size() + buffer.remaining() > cap) {
                result.completeExceptionally(new TooLarge(status));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }
}
