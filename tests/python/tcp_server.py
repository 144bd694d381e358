# tcp_server.py, from the client/server interactions page
import sys
from socket import socket as Socket
from socket import AF_INET, SOCK_STREAM

HOSTNAME = '127.0.0.1'
PORTNUMBER = int(sys.argv[1])
BUFFER = 80 # size of the buffer

SERVER_ADDRESS = (HOSTNAME, PORTNUMBER)
SERVER = Socket(AF_INET, SOCK_STREAM)
SERVER.bind(SERVER_ADDRESS)
SERVER.listen(2)
print("Listening on %s:%d" % SERVER.getsockname(), flush=True)

print('server waits for connection', flush=True)
CLIENT, CLIENT_ADDRESS = SERVER.accept()
print('server accepted connection request from ',\
      CLIENT_ADDRESS, flush=True)
print('server waits for data', flush=True)
DATA = CLIENT.recv(BUFFER).decode()
print('server received \"%s\"' % DATA, flush=True)

SERVER.close()
