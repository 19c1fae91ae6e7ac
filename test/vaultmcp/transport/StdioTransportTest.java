package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority;
import vaultmcp.config.Config.Rate;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.mcp.Session;
import vaultmcp.security.RateLimiter;
import vaultmcp.tools.ToolTable;
import vaultmcp.vault.VaultClient;

/**
 * The stdio loop in this JVM, fed through a pipe. The rate limiter's clock is the seam: armed, it
 * throws an Error inside McpServer.handle, as a failing handler would.
 */
class StdioTransportTest {
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
            + "\"params\":{\"protocolVersion\":\"2025-11-25\"}}";

    private final AtomicReference<Error> failure = new AtomicReference<>();
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final AtomicReference<Throwable> escaped = new AtomicReference<>();
    private final AtomicInteger written = new AtomicInteger();
    /** How many answers had been written each time the deferred start-up work ran. */
    private final List<Integer> afterFirstAnswer = new CopyOnWriteArrayList<>();
    private PipedOutputStream input;
    private Thread serving;

    @BeforeEach
    void start() throws IOException {
        LongSupplier clock = () -> {
            Error e = failure.get();
            if (e != null) {
                throw e;
            }
            return 0L;
        };
        RateLimiter limiter = new RateLimiter(new Rate(1000, 1000), new Rate(1000, 1000), new Rate(1000, 1000), clock);
        Log logger = new Log(new PrintStream(log, true, StandardCharsets.UTF_8), "debug");
        VaultClient nowhere = new VaultClient(URI.create("http://127.0.0.1:9"), null, Duration.ofSeconds(1), null);
        McpServer server = new McpServer(new ToolTable(new JsonArray(), Map.of(), false), nowhere, logger,
                "test", Limits.TOOLS_PAGE_SIZE, false, Authority.none(), Limits.STDIO_WORKERS, null, null);
        Session session = new Session("stdio", new Secret("hvs.test"), limiter.budget(null, false));
        JsonRpc codec = new JsonRpc(Limits.MAX_MESSAGE_BYTES, Limits.MAX_JSON_DEPTH);
        StdioTransport transport = new StdioTransport(server, codec, session, logger, new LineSink());
        input = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(input, 1 << 16);
        serving = new Thread(() -> {
            try {
                transport.serve(in, () -> afterFirstAnswer.add(written.get()));
            } catch (InterruptedException | RuntimeException | Error e) {
                escaped.set(e);
            }
        }, "stdio-under-test");
        serving.start();
    }

    @AfterEach
    void stop() throws Exception {
        input.close();
        serving.join(TimeUnit.SECONDS.toMillis(20));
    }

    private void send(String line) throws IOException {
        input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        input.flush();
    }

    private String next() throws InterruptedException {
        String answer = answers.poll(10, TimeUnit.SECONDS);
        assertNotNull(answer, () -> "no answer; escaped from the loop: " + escaped.get());
        return answer;
    }

    private static String internalError(String id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}";
    }

    @Test
    void runsTheDeferredStartUpWorkOnceWhenTheFirstAnswerIsOut() throws Exception {
        assertEquals(List.of(), afterFirstAnswer, "nothing before the first message");
        send(INITIALIZE);
        assertTrue(next().contains("\"result\""));
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", next());
        input.close();
        serving.join(TimeUnit.SECONDS.toMillis(20));
        assertEquals(List.of(1), afterFirstAnswer, "once, after the initialize answer was written");
    }

    @Test
    void answersAnErrorWhileHandlingARequestWithInternalErrorAndFreesItsId() throws Exception {
        send(INITIALIZE);
        assertTrue(next().contains("\"result\""));
        List<Error> errors = List.of(new OutOfMemoryError("simulated"), new StackOverflowError(),
                new AssertionError("simulated"));
        for (Error error : errors) {
            failure.set(error);
            send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
            assertEquals(internalError("1"), next());
            // A tool call runs on a worker; the same id twice proves the first one's id was freed.
            for (int round = 0; round < 2; round++) {
                send("{\"jsonrpc\":\"2.0\",\"id\":\"t\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}");
                assertEquals(internalError("\"t\""), next());
            }
        }
        failure.set(null);
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}", next(), "still serving");
        input.close();
        serving.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(serving.isAlive(), "end of input ends the loop");
        assertNull(escaped.get());
        String logged = log.toString(StandardCharsets.UTF_8);
        for (Error error : errors) {
            String name = Pattern.quote(error.getClass().getName());
            Pattern line = Pattern.compile("ERROR request (ping|tools/call) failed \\[[0-9a-f]{8}]: " + name);
            assertEquals(3, line.matcher(logged).results().count(), logged);
        }
    }

    /** stdout as the client reads it: one answer per line. */
    private final class LineSink extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                answers.add(line.toString(StandardCharsets.UTF_8));
                written.incrementAndGet();
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
