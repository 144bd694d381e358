# A student's echo server 1 in lower case and without colour (no termcolor).
# Verdict: the lesson passes; the green and the lesson's exact words are the
# conventions it misses.
import socket

ip = "127.0.0.1"
port = 8081

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((ip, port))
server.listen()
print("server is configured")
while True:
    print("waiting for clients...")
    try:
        client, address = server.accept()
    except KeyboardInterrupt:
        print("server stopped")
        server.close()
        break
    print("a client has connected")
    message = client.recv(2048).decode("utf-8")
    print("message received: " + message)
    client.send(f"ECHO: {message}\n".encode())
    client.close()
