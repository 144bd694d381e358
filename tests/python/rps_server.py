# rock, paper, scissors, exercise 2 of the client/server interactions page,
# written in the page's own style: one recv() is one move, replies without a newline
import sys
from random import choice
from socket import socket as Socket
from socket import AF_INET, SOCK_STREAM

HOSTNAME = '127.0.0.1'
PORTNUMBER = int(sys.argv[1])
BUFFER = 80 # size of the buffer
MOVES = ['rock', 'paper', 'scissors']
BEATS = {'rock': 'scissors', 'paper': 'rock', 'scissors': 'paper'}

SERVER_ADDRESS = (HOSTNAME, PORTNUMBER)
SERVER = Socket(AF_INET, SOCK_STREAM)
SERVER.bind(SERVER_ADDRESS)
SERVER.listen(2)
print("Listening on %s:%d" % SERVER.getsockname(), flush=True)

while True:
    print('server waits for a player', flush=True)
    PLAYER, PLAYER_ADDRESS = SERVER.accept()
    print('server accepted connection request from ',\
          PLAYER_ADDRESS, flush=True)
    YOU, ME, DRAWS = 0, 0, 0
    while True:
        MOVE = PLAYER.recv(BUFFER).decode()
        if MOVE == '':
            break
        MOVE = MOVE.strip().lower()
        print('player plays ' + MOVE, flush=True)
        if MOVE not in MOVES:
            REPLY = 'not a move: play rock, paper or scissors'
        else:
            MINE = choice(MOVES)
            if MINE == MOVE:
                DRAWS = DRAWS + 1
                OUTCOME = 'a draw'
            elif BEATS[MOVE] == MINE:
                YOU = YOU + 1
                OUTCOME = 'you win'
            else:
                ME = ME + 1
                OUTCOME = 'you lose'
            REPLY = 'server plays %s: %s (score: you %d, server %d, draws %d)' \
                    % (MINE, OUTCOME, YOU, ME, DRAWS)
        print('server replies ' + REPLY, flush=True)
        PLAYER.send(REPLY.encode())
    PLAYER.close()
