# A student's dealer with a real mistake: the comparison is the wrong way round
# (a guess below the secret is "too high"). Verdict: fails plays_a_game.
from socket import socket as Socket
from socket import AF_INET, SOCK_STREAM
from random import randint

DEALER = Socket(AF_INET, SOCK_STREAM)
DEALER.bind(('127.0.0.1', 11267))
DEALER.listen(1)
print('dealer waits for player to connect')
PLAYER, PLAYER_ADDRESS = DEALER.accept()
SECRET = randint(0, 9)
print('the secret is %d' % SECRET)
while True:
    GUESS = PLAYER.recv(80).decode()
    if int(GUESS) > SECRET:
        REPLY = 'too low'
    elif int(GUESS) < SECRET:
        REPLY = 'too high'
    else:
        REPLY = 'found the secret'
    PLAYER.send(REPLY.encode())
    if REPLY == 'found the secret':
        break
DEALER.close()
