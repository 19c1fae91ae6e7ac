package vaultmcp.vault;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Collects a response body up to a cap and a deadline; past the cap, stops the download and fails with
 * {@link TooLarge}, past the deadline with a {@link TimeoutException}. The body comes as a stream over
 * the pieces as they arrived (no copy into one array), or null when it is only whitespace or empty.
 */
final class CappedBody implements HttpResponse.BodySubscriber<InputStream> {
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
    private final List<InputStream> pieces = new ArrayList<>();
    private int size;
    private boolean blank = true;
    private final CompletableFuture<InputStream> result = new CompletableFuture<>();

    /** {@code deadline}: a {@link System#nanoTime()} by which the whole body must have come. */
    CappedBody(int status, int cap, long deadline) {
        this.status = status;
        this.cap = cap;
        result.orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        result.whenComplete((body, failure) -> {
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
            size += buffer.remaining();
            if (size > cap) {
                result.completeExceptionally(new TooLarge(status));
                return;
            }
            byte[] piece = new byte[buffer.remaining()];
            buffer.get(piece);
            for (int i = 0; blank && i < piece.length; i++) {
                blank = Character.isWhitespace(piece[i]);
            }
            pieces.add(new ByteArrayInputStream(piece));
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(blank ? null : new SequenceInputStream(Collections.enumeration(pieces)));
    }
}
