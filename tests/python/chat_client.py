# the one-on-one chat client, from the slides (Kenneth Lambert), in Python 3
import sys
from socket import *

HOST = '127.0.0.1'
PORT = int(sys.argv[1])
BUFSIZE = 1024
ADDRESS = (HOST, PORT)

server = socket(AF_INET, SOCK_STREAM)
server.connect(ADDRESS)
print(server.recv(BUFSIZE).decode(), flush=True)
while True:
    message = input('> ')
    if not message:
        break
    server.send((message + '\n').encode())
    reply = server.recv(BUFSIZE).decode()
    if not reply:
        break
    print(reply, flush=True)
server.close()
