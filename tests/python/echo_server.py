# echo_server.py, from the blog's client/server page
import socket
import sys
host = '127.0.0.1'
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((host, port))
s.listen(1)
print("Listening on %s:%d" % s.getsockname(), flush=True)
conn, addr = s.accept()
print('Connected by', addr, flush=True)
while True:
    data = conn.recv(1024)
    if not data: break
    conn.sendall(data)
conn.close()
