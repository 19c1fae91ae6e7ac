package vaultmcp.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A byte-for-byte TCP relay in front of the fixture's HTTP transport that adds one header: an
 * {@code X-Vault-Token} on every request that carries no credential. The conformance CLI cannot send
 * headers of its own, and the transport (rightly) refuses tools/call from an anonymous caller; a
 * configured MCP client sends its token, and this relay plays that part. Request heads are read to find
 * where each request ends on a kept-alive connection (Content-Length or chunked); nothing else in the
 * request is changed (Host, Origin and every other header reach the transport as sent), and responses,
 * SSE streams included, are copied through as they arrive. Test code only; loopback only.
 */
final class CredentialFront implements AutoCloseable {
    private static final int MAX_HEAD_BYTES = 256 * 1024;

    private final ServerSocket listener;
    private final int backend;
    private final byte[] header;

    CredentialFront(int backendPort, String token) throws IOException {
        this.backend = backendPort;
        this.header = ("X-Vault-Token: " + token + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        daemon("front-accept", this::accept).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                daemon("front-request", () -> relay(client)).start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), backend)) {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            Thread back = daemon("front-response", () -> copy(server, client));
            back.start();
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = server.getOutputStream();
            for (byte[] head = head(in); head != null; head = head(in)) {
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String lower = text.toLowerCase(Locale.ROOT);
                boolean credential = lower.contains("\r\nx-vault-token:") || lower.contains("\r\nauthorization:");
                out.write(head, 0, head.length - 2);
                if (!credential) {
                    out.write(header);
                }
                out.write('\r');
                out.write('\n');
                if (lower.matches("(?s).*\r\ntransfer-encoding:[ \t]*chunked[ \t]*\r\n.*")) {
                    chunks(in, out);
                } else {
                    exactly(in, out, contentLength(lower));
                }
                out.flush();
            }
            server.shutdownOutput();
            back.join();
        } catch (IOException e) {
            // a side went away: both connections close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request line and headers up to and including the blank line; null at a clean end of stream. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            last4 = last4 << 8 | b;
            if (last4 == 0x0d0a0d0a) {
                return head.toByteArray();
            }
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head too large for the relay");
            }
        }
        if (head.size() > 0) {
            throw new IOException("stream ended inside a request head");
        }
        return null;
    }

    private static long contentLength(String lowerHead) {
        for (String line : lowerHead.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    private static void chunks(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String line = line(in, out);
            long size = Long.parseLong(line.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                while (!line(in, out).isEmpty()) {
                    // trailers, up to the blank line
                }
                return;
            }
            exactly(in, out, size + 2); // the chunk and its CRLF
        }
    }

    /** Copies one CRLF-terminated line; returns it without the CRLF. */
    private static String line(InputStream in, OutputStream out) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                throw new IOException("stream ended inside a chunked body");
            }
            out.write(b);
            if (b == '\n') {
                return line.toString().strip();
            }
            line.append((char) b);
        }
    }

    private static void exactly(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = count; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("stream ended inside a body");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away
        } finally {
            try {
                to.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
