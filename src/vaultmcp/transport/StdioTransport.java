package vaultmcp.transport;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import vaultmcp.config.Limits;
import vaultmcp.json.StrictJson;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.jsonrpc.Message;
import vaultmcp.jsonrpc.RpcException;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.mcp.Session;
import vaultmcp.security.RateLimited;

/**
 * MCP over stdin/stdout: one JSON-RPC message per line. stdout carries protocol messages only,
 * whole lines, never interleaved. A line that is too long or not valid gets its error and the
 * loop goes on. Tool calls (the only slow requests) run on a small pool so a slow Vault does not
 * hold up ping or a cancellation; everything else is answered in order. End of input ends the
 * loop once in-flight answers are written.
 */
public final class StdioTransport {
    private final McpServer server;
    private final JsonRpc codec;
    private final Session session;
    private final Log log;
    private final Writer out;
    private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();

    public StdioTransport(McpServer server, JsonRpc codec, Session session, Log log, OutputStream out) {
        this.server = server;
        this.codec = codec;
        this.session = session;
        this.log = log;
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    /**
     * Serves until end of input. {@code afterFirstAnswer} runs once, when the first message has been
     * handled (its answer written): start-up work that the client need not wait for.
     */
    public void serve(InputStream in, Runnable afterFirstAnswer) throws InterruptedException {
        // Bounded queue; when it is full the reader runs the call itself, which slows the client down.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(Limits.STDIO_WORKERS, Limits.STDIO_WORKERS,
                0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Limits.STDIO_QUEUE), runnable -> {
                    Thread t = new Thread(runnable, "tool-call");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            byte[] line;
            Runnable pending = afterFirstAnswer;
            while ((line = readLine(in)) != null) {
                if (line.length > 0) {
                    dispatch(line, pool);
                    pending.run();
                    pending = () -> { };
                }
            }
        } catch (IOException e) {
            log.warn("stdin closed: " + e.getClass().getSimpleName());
        } finally {
            pool.shutdown();
            pool.awaitTermination(Limits.STDIO_DRAIN_TIME.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private void dispatch(byte[] line, ThreadPoolExecutor pool) {
        Message message;
        try {
            message = codec.parse(line);
        } catch (JsonRpc.Failure e) {
            try {
                session.budget().take(); // malformed input counts against the rate limits too
                write(e.response());
            } catch (RateLimited limited) {
                write(McpServer.rateLimited(null, limited));
            }
            return;
        }
        if ("notifications/cancelled".equals(message.method())) {
            cancel(message.params().get("requestId"));
        }
        if (!"tools/call".equals(message.method()) || !message.isRequest()) {
            write(answer(message));
            return;
        }
        String key = StrictJson.write(message.id());
        AtomicReference<Future<?>> self = new AtomicReference<>();
        FutureTask<Void> call = new FutureTask<>(() -> {
            JsonObject response = answer(message);
            // A cancelled request gets no answer; remove() tells whether we still own it.
            if (inFlight.remove(key, self.get()) && !Thread.currentThread().isInterrupted()) {
                write(response);
            }
        }, null);
        self.set(call);
        // Registered before it can run: a call that finishes at once must still find itself here.
        if (inFlight.putIfAbsent(key, call) != null) {
            write(JsonRpc.error(message.id(), new RpcException(RpcException.INVALID_REQUEST,
                    "Invalid Request: a request with this id is still in progress")));
            return;
        }
        pool.execute(call);
    }

    /** The server's answer to one message, or null when none is due. Whatever fails, a request is answered. */
    private JsonObject answer(Message message) {
        try {
            return server.handle(message, session, this::write);
        } catch (RateLimited e) {
            return message.isRequest() ? McpServer.rateLimited(message.id(), e) : null; // a notification gets no answer
        } catch (RuntimeException | Error e) {
            // Uncaught, it would end the read loop, or leave a tool call unanswered and its id in use for ever.
            log.failure("request " + message.method(), e);
            RpcException internal = new RpcException(RpcException.INTERNAL_ERROR, "Internal error");
            return message.isRequest() ? JsonRpc.error(message.id(), internal) : null;
        }
    }

    private void cancel(JsonElement requestId) {
        Future<?> call = requestId == null ? null : inFlight.remove(StrictJson.write(requestId));
        if (call != null) {
            call.cancel(true);
            log.info("cancelled request " + StrictJson.write(requestId));
        }
    }

    private void write(JsonObject message) {
        if (message == null) {
            return;
        }
        synchronized (out) {
            try {
                // Straight into the stream: no intermediate String per answer (tools/list is large).
                StrictJson.write(message, out);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                log.warn("stdout closed: " + e.getClass().getSimpleName());
            }
        }
    }

    /**
     * One line without its end ("\n" or "\r\n"), null at end of input. Of a longer line only cap + 2
     * bytes are kept: still over the cap once a "\r" is cut off, so the codec refuses it for its size.
     */
    private byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() < codec.maxBytes() + 2) {
                line.write(b);
            }
        }
        byte[] bytes = line.toByteArray();
        if (b == -1 && bytes.length == 0) {
            return null;
        }
        return bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
    }
}
