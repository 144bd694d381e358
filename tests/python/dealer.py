# the dealer, from the client/server interactions page
import sys
from random import randint
from socket import socket as Socket
from socket import AF_INET, SOCK_STREAM

HOSTNAME = '127.0.0.1'
PORTNUMBER = int(sys.argv[1])
BUFFER = 80 # size of the buffer

DEALER_ADDRESS = (HOSTNAME, PORTNUMBER)
DEALER = Socket(AF_INET, SOCK_STREAM)
DEALER.bind(DEALER_ADDRESS)
DEALER.listen(1)
print("Listening on %s:%d" % DEALER.getsockname(), flush=True)

print('dealer waits for player to connect', flush=True)
PLAYER, PLAYER_ADDRESS = DEALER.accept()
print('dealer accepted connection request from ',\
      PLAYER_ADDRESS, flush=True)

SECRET = randint(0, 9)
print('the secret is %d' % SECRET, flush=True)
while True:
    print('dealer waits for a guess', flush=True)
    GUESS = PLAYER.recv(BUFFER).decode()
    print('dealer received ' + GUESS, flush=True)
    if int(GUESS) < SECRET:
        REPLY = 'too low'
    elif int(GUESS) > SECRET:
        REPLY = 'too high'
    else:
        REPLY = 'found the secret'
    PLAYER.send(REPLY.encode())
    if REPLY == 'found the secret':
        break
DEALER.close()
