package vaultmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server jar ({@code -Dvaultmcp.jar}) run as a child process, spoken to as an MCP client
 * does over stdio: newline-delimited JSON-RPC on stdin, answers read line by line from stdout.
 * Every stdout line is kept (so a test can prove all of them are JSON-RPC), and all of stderr.
 * Stopped by its own process handle, never by name.
 */
final class McpProcess implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 20;

    /** An answer to one request, with the notifications that arrived before it. */
    record Reply(JsonObject message, List<JsonObject> notifications) {
        JsonObject result() {
            assertNotNull(message.get("result"), () -> "expected a result, got " + message);
            return message.getAsJsonObject("result");
        }

        JsonObject error() {
            assertNotNull(message.get("error"), () -> "expected an error, got " + message);
            return message.getAsJsonObject("error");
        }

        int code() {
            return error().get("code").getAsInt();
        }

        /** The text of a tools/call result's first content block. */
        String text() {
            return result().getAsJsonArray("content").get(0).getAsJsonObject().get("text").getAsString();
        }

        boolean isError() {
            return result().get("isError").getAsBoolean();
        }

        JsonObject structured() {
            return result().getAsJsonObject("structuredContent");
        }
    }

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allLines = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final AtomicLong ids = new AtomicLong(1000);
    private final List<Thread> pumps = new ArrayList<>();

    private McpProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        pumps.add(pump(process.getInputStream(), line -> {
            allLines.add(line);
            lines.add(line);
        }, "mcp-stdout"));
        pumps.add(pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), "mcp-stderr"));
    }

    /** The environment of a server bound to a Vault, with rate limits high enough for a test's bursts. */
    static Map<String, String> env(String vaultAddr, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("VAULT_ADDR", vaultAddr);
        env.put("VAULT_TOKEN", token);
        env.put("MCP_RATE_LIMIT_SESSION", "1000:1000");
        env.put("MCP_RATE_LIMIT_GLOBAL", "1000:1000");
        return env;
    }

    /** Starts the jar with exactly {@code env} as its environment (nothing inherited) and {@code args}. */
    static McpProcess start(Map<String, String> env, String... args) throws IOException {
        String jar = System.getProperty("vaultmcp.jar");
        assertNotNull(jar, "system property vaultmcp.jar is not set (run through make)");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        return new McpProcess(builder.start());
    }

    /** Starts, then runs the initialize handshake. */
    static McpProcess initialized(Map<String, String> env) throws IOException {
        McpProcess p = start(env);
        p.initialize();
        return p;
    }

    private interface LineSink {
        void accept(String line);
    }

    private static Thread pump(InputStream in, LineSink sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    JsonObject initialize() {
        JsonObject params = JsonParser.parseString("""
                {"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"McpProcess","version":"1"}}""")
                .getAsJsonObject();
        JsonObject result = request("initialize", params).result();
        notify("notifications/initialized");
        return result;
    }

    /** Writes one line (a newline is added). */
    void send(String line) {
        sendBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(byte[] bytes) {
        try {
            stdin.write(bytes);
            stdin.flush();
        } catch (IOException e) {
            fail("the server's stdin is closed: " + e + "\nstderr:\n" + stderr);
        }
    }

    void notify(String method) {
        send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}");
    }

    /** Sends a request with a fresh numeric id and waits for the answer carrying that id. */
    Reply request(String method, JsonObject params) {
        long id = ids.incrementAndGet();
        JsonObject message = new JsonObject();
        message.addProperty("jsonrpc", "2.0");
        message.addProperty("id", id);
        message.addProperty("method", method);
        if (params != null) {
            message.add("params", params);
        }
        send(message.toString());
        return awaitId(Long.toString(id));
    }

    Reply call(String tool, String argumentsJson) {
        JsonObject params = new JsonObject();
        params.addProperty("name", tool);
        params.add("arguments", JsonParser.parseString(argumentsJson));
        return request("tools/call", params);
    }

    /** Reads answers until one whose id, written as JSON, is {@code idJson}; earlier notifications are kept. */
    Reply awaitId(String idJson) {
        List<JsonObject> notifications = new ArrayList<>();
        while (true) {
            JsonObject m = JsonParser.parseString(nextLine()).getAsJsonObject();
            if (!m.has("id")) {
                notifications.add(m);
                continue;
            }
            if (m.get("id").toString().equals(idJson)) {
                return new Reply(m, notifications);
            }
            fail("unexpected answer while waiting for id " + idJson + ": " + m);
        }
    }

    /** The next stdout line, raw. */
    String nextLine() {
        try {
            String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                fail("no answer within " + TIMEOUT_SECONDS + " s; alive=" + process.isAlive() + "\nstderr:\n" + stderr);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The next stdout line parsed, for raw sends whose answer has an id we cannot predict (null). */
    JsonObject nextMessage() {
        return JsonParser.parseString(nextLine()).getAsJsonObject();
    }

    /** Proves the server still answers: a ping gets its empty result, and nothing else is pending. */
    void assertServing() {
        assertEquals(new JsonObject(), request("ping", null).result());
        assertTrue(lines.isEmpty(), () -> "unexpected extra output: " + lines);
    }

    /** Every stdout line so far parsed as a JSON-RPC 2.0 object. */
    void assertStdoutIsOnlyJsonRpc() {
        for (String line : allLines) {
            JsonElement e;
            try {
                e = JsonParser.parseString(line);
            } catch (RuntimeException ex) {
                throw new AssertionError("stdout line is not JSON: " + line, ex);
            }
            assertTrue(e.isJsonObject() && "2.0".equals(e.getAsJsonObject().get("jsonrpc").getAsString()),
                    () -> "stdout line is not JSON-RPC 2.0: " + line);
        }
    }

    List<String> stdoutLines() {
        return List.copyOf(allLines);
    }

    /** Waits until stderr holds a match of {@code regex} (its reader thread may lag the protocol) and returns it. */
    Matcher awaitStderr(String regex) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        Matcher m = pattern.matcher(stderr());
        while (!m.find() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            m = pattern.matcher(stderr());
        }
        return m;
    }

    String stderr() {
        return stderr.toString();
    }

    void closeStdin() throws IOException {
        stdin.close();
    }

    /** Waits for the process to end by itself; returns its exit status. */
    int waitForExit() throws InterruptedException {
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            fail("the server did not exit within " + TIMEOUT_SECONDS + " s\nstderr:\n" + stderr);
        }
        for (Thread pump : pumps) {
            pump.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)); // what the process wrote last is read
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
