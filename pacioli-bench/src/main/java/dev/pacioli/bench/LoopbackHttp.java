package dev.pacioli.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client on one keep-alive loopback connection: it writes a request and reads the
 * status and body (Content-Length or chunked). The load generator shares the machine's two cores with
 * the service and PostgreSQL, so it should cost as little as possible: java.net.http would measure
 * its own overhead as much as the server's. Not thread-safe: one per client thread.
 */
final class LoopbackHttp implements AutoCloseable {
    private static final int HEADER_LINE_MAX = 8_192;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] headerPrefix;

    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    LoopbackHttp(int port, String bearerSecret) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 65_536);
        headerPrefix = (" HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + bearerSecret
                        + "\r\nContent-Type: application/json\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
    }

    Response post(String path, byte[] body) throws IOException {
        return send("POST", path, body, null);
    }

    /** A POST with one more header line ({@code "Name: value"}), e.g. a webhook's signature. */
    Response post(String path, byte[] body, String header) throws IOException {
        return send("POST", path, body, header);
    }

    Response get(String path) throws IOException {
        return send("GET", path, new byte[0], null);
    }

    Response send(String method, String path, byte[] body, String header) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(body.length + 256);
        request.writeBytes((method + " " + path).getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(headerPrefix);
        request.writeBytes((body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (header != null) {
            request.writeBytes((header + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        request.writeTo(out);
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            return new Response(status, chunks());
        }
        return new Response(status, length < 0 ? new byte[0] : in.readNBytes(Math.toIntExact(length)));
    }

    private byte[] chunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                while (!line().isEmpty()) {
                    // Trailers: none expected, skipped.
                }
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(length));
            line();
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed mid-response");
            }
            if (c != '\r') {
                line.append((char) c);
            }
            if (line.length() > HEADER_LINE_MAX) {
                throw new IOException("header line too long");
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
