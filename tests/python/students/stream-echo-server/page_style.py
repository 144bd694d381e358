# A student's echo server, the blog page's echo_server.py with the host left
# empty (every address) and the page's port 50007. Like the page's, it serves
# one client and finishes. Verdict: the lesson passes; serving the next client
# is what to learn next.
import socket

HOST = ''
PORT = 50007
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen(1)
    conn, addr = s.accept()
    with conn:
        print('Connected by', addr)
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
