# A student's dealer from the interactions page, in their own words: "Secret
# number: 7", and answers with a capital and an exclamation mark ("Too low!").
# Verdict: the lesson passes (the game's answers, the secret printed, the end).
import socket
from random import randint

dealer = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
dealer.bind((socket.gethostname(), 11267))
dealer.listen(1)
print("Dealer waiting...")
player, address = dealer.accept()
print("Player from", address)
secret = randint(0, 9)
print("Secret number:", secret)
while True:
    guess = int(player.recv(80).decode())
    print("Player guessed", guess)
    if guess < secret:
        reply = "Too low!"
    elif guess > secret:
        reply = "Too high!"
    else:
        reply = "Found the secret!"
    player.send(reply.encode())
    if guess == secret:
        break
player.close()
dealer.close()
