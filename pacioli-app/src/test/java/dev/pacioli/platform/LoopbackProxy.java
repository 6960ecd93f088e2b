package dev.pacioli.platform;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback that a test can cut and restore, to make a real server (PostgreSQL, NATS)
 * unreachable for a while without touching the server. Cutting closes the listening socket and every connection.
 */
public final class LoopbackProxy implements AutoCloseable {
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private int port;

    public LoopbackProxy(int targetPort) {
        this.targetPort = targetPort;
    }

    /** Listens (again, on the same port once it has one) and forwards every connection. */
    public synchronized LoopbackProxy open() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        port = socket.getLocalPort();
        listener = socket;
        Thread.ofVirtual().start(() -> accept(socket));
        return this;
    }

    public int port() {
        return port;
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                if (socket.isClosed()) {
                    // cut() ran between the accept and the adds and did not see this pair: a connection
                    // that outlived the cut (ReadinessTest saw a pool stay valid through one, under load).
                    closeQuietly(client);
                    closeQuietly(server);
                    return;
                }
                Thread.ofVirtual().start(() -> pipe(client, server));
                Thread.ofVirtual().start(() -> pipe(server, client));
            } catch (IOException e) {
                return; // closed by cut()
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the other side closed, or cut() did
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Stops listening and drops every connection: the database is now unreachable through the proxy. */
    public synchronized void cut() {
        closeQuietly(listener);
        sockets.forEach(LoopbackProxy::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
    }
}
