package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The jar in its own JVM, for what must not share this one: jdk.httpserver limits (fixed per
 * JVM), security properties, start-up failures and exit codes. Stopped by its own Process handle.
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final URI url;
    private final StringBuilder stderr = new StringBuilder();

    private ServerProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    private static Process launch(Map<String, String> env, List<String> jvmOptions) throws IOException {
        String jar = System.getProperty("vaultmcp.jar");
        assertNotNull(jar, "system property vaultmcp.jar (set by the Makefile)");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(Map.of("TRANSPORT_MODE", "http", "TRANSPORT_HOST", "127.0.0.1", "TRANSPORT_PORT", "0",
                "VAULT_ADDR", "http://127.0.0.1:9"));
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        return p;
    }

    /** Starts the server and waits for the line that names its URL. */
    static ServerProcess start(Map<String, String> env, String... jvmOptions) throws IOException {
        Process p = launch(env, List.of(jvmOptions));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = err.readLine(); line != null; line = err.readLine()) {
            seen.append(line).append('\n');
            int at = line.indexOf(" listening on ");
            if (at >= 0) {
                ServerProcess server = new ServerProcess(p, URI.create(line.substring(at + 14).trim()));
                server.stderr.append(seen);
                Thread drain = new Thread(() -> server.drain(err), "server-stderr");
                drain.setDaemon(true);
                drain.start();
                return server;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the server did not start:\n" + seen);
    }

    /** Runs the jar until it exits (it must, within 30 s); returns {exit code, stderr}. */
    static Object[] runToExit(Map<String, String> env) throws IOException, InterruptedException {
        Process p = launch(env, List.of());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the server should have refused to start:\n" + err);
        return new Object[] {p.exitValue(), err};
    }

    int port() {
        return url.getPort();
    }

    synchronized String stderr() {
        return stderr.toString();
    }

    private void drain(BufferedReader err) {
        try {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                synchronized (this) {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
