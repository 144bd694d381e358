# the one-on-one chat server, from the slides (Kenneth Lambert), in Python 3
import sys
from socket import *

HOST = '127.0.0.1'
PORT = int(sys.argv[1])
BUFSIZE = 1024
ADDRESS = (HOST, PORT)

server = socket(AF_INET, SOCK_STREAM)
server.bind(ADDRESS)
server.listen(5)
print('Listening on %s:%d' % server.getsockname(), flush=True)

while True:
    print('Waiting for connection . . .', flush=True)
    client, address = server.accept()
    print('... connected from', address, flush=True)
    client.send('Welcome to my chat room!'.encode())
    while True:
        message = client.recv(BUFSIZE).decode()
        if not message:
            print('Client disconnected', flush=True)
            client.close()
            break
        else:
            print(message, flush=True)
            client.send(input('> ').encode())
