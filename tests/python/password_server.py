# a password server, exercise 1 of the client/server interactions page, written
# in the page's own style: one recv() is one message, replies without a newline
import os
import sys
from socket import socket as Socket
from socket import AF_INET, SOCK_STREAM

HOSTNAME = '127.0.0.1'
PORTNUMBER = int(sys.argv[1])
BUFFER = 80 # size of the buffer
PASSWORD = os.environ.get('LAB_PASSWORD', 'open sesame')
TRIES = 3 # wrong tries before the client is sent away

SERVER_ADDRESS = (HOSTNAME, PORTNUMBER)
SERVER = Socket(AF_INET, SOCK_STREAM)
SERVER.bind(SERVER_ADDRESS)
SERVER.listen(2)
print("Listening on %s:%d" % SERVER.getsockname(), flush=True)

while True:
    print('server waits for connection', flush=True)
    CLIENT, CLIENT_ADDRESS = SERVER.accept()
    print('server accepted connection request from ',\
          CLIENT_ADDRESS, flush=True)
    WRONG = 0
    while True:
        DATA = CLIENT.recv(BUFFER).decode()
        if DATA == '':
            break
        if DATA == PASSWORD:
            print('access granted to', CLIENT_ADDRESS, flush=True)
            CLIENT.send('access granted'.encode())
            break
        WRONG = WRONG + 1
        print('access denied to', CLIENT_ADDRESS, flush=True)
        CLIENT.send('access denied'.encode())
        if WRONG == TRIES:
            CLIENT.send('too many tries: goodbye'.encode())
            break
    CLIENT.close()
