# the player, from the client/server interactions page
import sys
from socket import socket as Socket
from socket import AF_INET, SOCK_STREAM

HOSTNAME = '127.0.0.1'
PORTNUMBER = int(sys.argv[1])
BUFFER = 80 # size of the buffer

DEALER = (HOSTNAME, PORTNUMBER)
PLAYER = Socket(AF_INET, SOCK_STREAM)
PLAYER.connect(DEALER)

print('player is ready to guess', flush=True)
while True:
    GUESS = input('Give number : ')
    PLAYER.send(GUESS.encode())
    ANSWER = PLAYER.recv(BUFFER).decode()
    print('>', ANSWER, flush=True)
    if ANSWER == 'found the secret':
        break
PLAYER.close()
